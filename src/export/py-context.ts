/** What a command's toPython is given (PyContext): its words as Python, and what the writer knows of the program where the command stands. */

import type { Family } from '../engine/index.js';
import type { Word } from '../lang/ast.js';
import type { FlagValue } from '../spec/flags.js';
import type { PyContext, PyHelper } from '../spec/python.js';
import type { ProgramVars } from './program-vars.js';
import { pyAddress } from './literals.js';
import { wordBytes, wordSocket, wordText, wordValue, type PyWord } from './words.js';

/** The writer's side of a PyContext: what it knows of the program, and where a command's needs go. */
export interface Writing {
  readonly program: ProgramVars;
  /** See PyContext.tlsBothEnds. */
  readonly tlsBothEnds: boolean;
  /** Inside a while or repeat. */
  readonly looping: boolean;
  readonly notes: Set<string>;
  readonly imports: Set<string>;
  readonly helpers: Set<PyHelper>;
}

/** What a command's toPython is given: its words as Python, and the program's state. */
export function pyContext(
  writing: Writing,
  positional: readonly Word[],
  flags: ReadonlySet<string>,
  target: string,
  family: Family | null,
  newName: () => string,
  values: readonly FlagValue[] = [],
): PyContext {
  const words = positional.map((w) => asNumber(w, wordValue(w, writing.program.vars)));
  const valued = new Map(values.map((v) => [v.spec.name, v.word]));
  return {
    target,
    transport: writing.program.transports.get(target) ?? null,
    tlsBothEnds: writing.tlsBothEnds,
    looping: writing.looping,
    get newName() {
      return newName();
    },
    family,
    count: words.length,
    flag: (f) => flags.has(f),
    arg: (i) => words[i]!.code,
    type: (i) => words[i]!.type,
    utf8: (i) => words[i]!.content !== 'raw',
    bytes: (i) => wordBytes(positional[i]!, writing.program.vars),
    text: (i) => wordText(positional[i]!, writing.program.vars),
    socket: (i) => wordSocket(positional[i]!, writing.program.vars),
    address: (from) => {
      if (words.length - from === 1) return words[from]!.code;
      const host = positional[from]!;
      const zoned = host.kind === 'literal' ? pyAddress(host.text, words[from + 1]!.code) : null;
      return zoned ?? `(${words[from]!.code}, ${words[from + 1]!.code})`;
    },
    note: (n) => writing.notes.add(n),
    flagArg: (name) => {
      const word = valued.get(name);
      return word === undefined ? null : wordValue(word, writing.program.vars).code;
    },
    need: (m) => writing.imports.add(m),
    helper: (h) => writing.helpers.add(h),
  };
}

/**
 * 007 is text to the shell (lang/values.ts bareLiteral), which a port, count or size argument reads
 * as the number; Python has no such literal, so where a call takes the word as a number it is written
 * as one (bind(('', 12000)) for 012000). Payloads are written from the word as typed (wordBytes).
 */
export function asNumber(w: Word, py: PyWord): PyWord {
  if (w.kind !== 'literal' || w.quoted || !/^-?0\d+$/.test(w.text)) return py;
  return { code: String(Number(w.text)), type: 'int', content: 'utf8' };
}
