import { createRequire } from 'node:module';
import type YargsParser from 'yargs-parser';
import type { Diagnostic, Word } from '../lang/ast.js';
import type { ArgSpec, CommandDef } from './command.js';
import { splitHostPort } from './host-port.js';

/**
 * Splits a command's words into flags and positional arguments. Only unquoted words that look like
 * options are handed to yargs-parser (our lexer tokenizes; yargs-parser only reads flags), so
 * `-1` stays a number and '-6' in quotes stays text. A valued flag (`--svg FILE`) takes the word after
 * it wherever it is typed; that word is the flag's argument (CommandDef.valued), not a positional one.
 */
export function splitFlags(def: CommandDef, words: readonly Word[]): Split {
  const declared = Object.keys(def.flags ?? {});
  const optionWords: Extract<Word, { kind: 'literal' }>[] = [];
  const positional: Word[] = [];
  const values: FlagValue[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const isFlag = w.kind === 'literal' && !w.quoted && looksLikeFlag(w.text, declared);
    if (!isFlag) {
      positional.push(w);
      continue;
    }
    optionWords.push(w);
    const valued = Object.keys(def.valued ?? {}).find((name) => w.text === dash(name));
    if (valued === undefined) continue;
    const value = words[i + 1];
    if (value === undefined || (value.kind === 'literal' && !value.quoted && looksLikeFlag(value.text, declared))) {
      return { positional, flags, values, error: { message: `${dash(valued)} needs a value after it, as in: ${def.usage}`, span: w.span } };
    }
    values.push({ spec: def.valued![valued]!, word: value, flag: w });
    i++;
  }
  if (optionWords.length === 0) return { positional: splitHostPort(def, positional), flags, values, error: null };
  parseArgs ??= createRequire(import.meta.url)('yargs-parser') as typeof YargsParser;
  const parsed = parseArgs(
    optionWords.map((w) => w.text),
    {
      boolean: declared,
      configuration: {
        'parse-numbers': false,
        'parse-positional-numbers': false,
        'dot-notation': false,
        'camel-case-expansion': false,
        'boolean-negation': false,
        'duplicate-arguments-array': false,
      },
    },
  );
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '_' || key === '--') continue;
    if (!declared.includes(key)) {
      const at = optionWords.find((w) => w.text.replace(/^-+/, '').split('=')[0]!.includes(key)) ?? optionWords[0]!;
      const takes = declared.length ? ` (it takes ${declared.map(dash).join(', ')})` : ' (it takes no options)';
      return { positional, flags, values, error: { message: `unknown option ${dash(key)} for ${def.name}${takes}`, span: at.span } };
    }
    if (value === true) flags.add(key);
  }
  return { positional: splitHostPort(def, positional), flags, values, error: null };
}

/** The word typed after a valued flag, and the argument it is (`--svg FILE`: FILE, a file). */
export interface FlagValue {
  readonly spec: ArgSpec;
  readonly word: Word;
  /** The flag itself (`--svg`): with word, where a message about the option points. */
  readonly flag: Word;
}

export interface Split {
  readonly positional: Word[];
  readonly flags: Set<string>;
  readonly values: readonly FlagValue[];
  readonly error: Diagnostic | null;
}

/** Loaded the first time a command has a word that looks like a flag; most scripts never do. */
let parseArgs: typeof YargsParser | null = null;

function looksLikeFlag(text: string, declared: readonly string[]): boolean {
  return /^--?[A-Za-z]/.test(text) || declared.some((d) => text === dash(d));
}

function dash(flag: string): string {
  return flag.length === 1 ? `-${flag}` : `--${flag}`;
}
