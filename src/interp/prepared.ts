import type { Call, Word } from '../lang/ast.js';
import type { ArgSpec, CommandDef } from '../spec/command.js';
import { formsFor } from '../commands/args.js';
import { splitFlags } from '../spec/flags.js';
import type { VarScope } from './scope.js';

/**
 * A call's command and its words split into flags and positional words, worked out the first time
 * the call runs: neither changes between runs, and a loop runs the same call many times.
 */
export interface Prepared extends ReturnType<typeof splitFlags> {
  readonly def: CommandDef;
  /** The forms its number of words fits, in the table's order: the arguments are coerced by the first that takes them. */
  readonly forms: readonly (readonly ArgSpec[])[];
  /** Positions of unquoted words sent as data: one equal to a variable's name is likely a missing `$`. */
  readonly bareData: readonly number[];
  /** Positions of file paths, and whether the command writes them: what a file guard (SessionServices.fileGuard) looks at. */
  readonly files: readonly { readonly at: number; readonly access: 'read' | 'write' }[];
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
    const forms = formsFor(def.forms, n);
    const form = forms[0];
    const kindAt = (i: number) => form?.[Math.min(i, form.length - 1)]?.kind;
    const bareData = split.positional.flatMap((w, i) => (kindAt(i) === 'data' && w.kind === 'literal' && !w.quoted ? [i] : []));
    const specAt = (i: number) => form?.[Math.min(i, form.length - 1)];
    const files = split.positional.flatMap((_, i) =>
      kindAt(i) === 'file' ? [{ at: i, access: specAt(i)?.writes === true ? ('write' as const) : ('read' as const) }] : [],
    );
    PREPARED.set(call, (prepared = { def, forms, ...split, bareData, files }));
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
