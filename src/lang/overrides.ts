import { isName, lexLine } from './lexer.js';
import { bareLiteral, bytes, str, type Value } from './values.js';

/**
 * One NAME=VALUE override, read like make's command-line variables. VALUE is written as a value is
 * in a script: 12001 is a number, `x"00ff"` and `b'\x00'` are bytes, `"a\r\n"` takes escapes, and
 * plain text (even with spaces, as a shell hands over `'msg=hello world'`) is text. Null when the word
 * is not NAME=...; a message when VALUE is not one literal (a quote left open, a $name).
 */
export function parseOverride(word: string): [string, Value] | string | null {
  const eq = word.indexOf('=');
  const name = word.slice(0, eq);
  if (eq < 1 || !isName(name)) return null;
  const value = literalValue(word.slice(eq + 1));
  return typeof value === 'string' ? `${word}: ${value}` : [name, value];
}

/** Every NAME=VALUE of `sockshell run`; a message for the first malformed one. */
export function parseOverrides(words: readonly string[]): Map<string, Value> | string {
  const out = new Map<string, Value>();
  for (const word of words) {
    const parsed = parseOverride(word);
    if (parsed === null) return `expected NAME=VALUE, as in serverPort=12001; got '${word}'`;
    if (typeof parsed === 'string') return parsed;
    out.set(...parsed);
  }
  return out;
}

/** VALUE as a script would read it as one word; text with no quotes, $ or backslash is taken as it is. */
function literalValue(text: string): Value | string {
  if (!/['"$\\]/.test(text)) return bareLiteral(text);
  const { words, error } = lexLine(text, 1);
  if (error) return `${error.message} (at character ${error.span.col})`;
  const word = words[0];
  if (word === undefined || words.length > 1) return `write one value; quote text with spaces, as in msg="hello world"`;
  switch (word.kind) {
    case 'literal':
      return word.quoted ? str(word.text) : bareLiteral(word.text);
    case 'bytes':
      return bytes(word.value);
    case 'template': {
      if (word.parts.some((p) => p.kind === 'var')) return 'a value on the command line is written out: it cannot use $name';
      const binary = word.parts.some((p) => p.kind === 'byte');
      if (!binary) return str(word.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''));
      return bytes(
        Buffer.concat(
          word.parts.map((p) => (p.kind === 'text' ? Buffer.from(p.text, 'utf8') : Buffer.of(p.kind === 'byte' ? p.value : 0))),
        ),
      );
    }
    case 'var':
    case 'call':
      return 'a value on the command line is written out: it cannot use $name or (command)';
    default: {
      const exhaustive: never = word;
      return exhaustive;
    }
  }
}
