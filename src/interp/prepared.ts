import type { Call, Word } from '../lang/ast.js';
import type { CommandDef } from '../spec/command.js';
import { splitFlags } from '../spec/flags.js';
import type { VarScope } from './scope.js';

/**
 * A call's command and its words split into flags and positional words, worked out the first time
 * the call runs: neither changes between runs, and a loop runs the same call many times.
 */
export interface Prepared extends ReturnType<typeof splitFlags> {
  readonly def: CommandDef;
  /** Positions of unquoted words sent as data: one equal to a variable's name is likely a missing `$`. */
  readonly bareData: readonly number[];
  /** Positions of file paths: what a file guard (SessionServices.fileGuard) looks at. */
  readonly files: readonly number[];
}

const PREPARED = new WeakMap<Call, Prepared>();
/** Calls already warned that a bare word equals a variable's name (a loop warns once). */
const WARNED = new WeakSet<Call>();

export function prepare(call: Call, table: ReadonlyMap<string, CommandDef>): Prepared {
  let prepared = PREPARED.get(call);
  if (prepared === undefined) {
    const def = table.get(call.name)!;
    const split = splitFlags(def, call.args);
    const n = split.positional.length;
    const form = def.forms.find((f) => (f.some((a) => a.rest) ? n >= f.length - 1 : n === f.length));
    const kindAt = (i: number) => form?.[Math.min(i, form.length - 1)]?.kind;
    const bareData = split.positional.flatMap((w, i) => (kindAt(i) === 'data' && w.kind === 'literal' && !w.quoted ? [i] : []));
    const files = split.positional.flatMap((_, i) => (kindAt(i) === 'file' ? [i] : []));
    PREPARED.set(call, (prepared = { def, ...split, bareData, files }));
  }
  return prepared;
}

/**
 * `sendto message HOST PORT` with a variable `message` sends the word, not the variable: in Python
 * the bare name would be the variable. The warning's text, once per call (a loop warns once); null
 * when there is nothing to say. Sending a word stays allowed.
 */
export function bareNameWarning(call: Call, word: Word, scope: VarScope): string | null {
  if (word.kind !== 'literal' || !scope.has(word.text) || WARNED.has(call)) return null;
  WARNED.add(call);
  return `'${word.text}' is sent as the text ${word.text}; the variable ${word.text} is $${word.text}`;
}
