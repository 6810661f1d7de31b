import { isName } from './lexer.js';
import { bareLiteral, type Value } from './values.js';

/**
 * One NAME=VALUE override, read like make's command-line variables: VALUE reads as a bare word does
 * in a script (12001 is a number). Null when the word is not of that form.
 */
export function parseOverride(word: string): [string, Value] | null {
  const eq = word.indexOf('=');
  const name = word.slice(0, eq);
  if (eq < 1 || !isName(name)) return null;
  return [name, bareLiteral(word.slice(eq + 1))];
}

/** Every NAME=VALUE of `sockshell run`; a message for the first malformed one. */
export function parseOverrides(words: readonly string[]): Map<string, Value> | string {
  const out = new Map<string, Value>();
  for (const word of words) {
    const parsed = parseOverride(word);
    if (!parsed) return `expected NAME=VALUE, as in serverPort=12001; got '${word}'`;
    out.set(...parsed);
  }
  return out;
}
