import type { Call, Word } from '../lang/ast.js';
import type { ArgKind, ArgSpec, CommandDef } from '../spec/command.js';
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
  /**
   * Positions of unquoted words where Python would read a name (a payload, a host, a port, a value to
   * print): one equal to a variable's name is likely a missing `$`.
   */
  readonly bareData: readonly { readonly at: number; readonly data: boolean }[];
  /** Positions of file paths, and whether the command writes them: what a file guard (SessionServices.fileGuard) looks at. */
  readonly files: readonly { readonly at: number; readonly access: 'read' | 'write' }[];
}

const PREPARED = new WeakMap<Call, Prepared>();

/** A word that could be a variable's name: 12000 or 127.0.0.1 never is, so the loop need not look it up. */
const NAME = /^[A-Za-z_]\w*$/;

/**
 * The kinds of argument a Python program writes as an expression, so a student types the variable's
 * bare name there (`sendto message serverName serverPort`, `print modifiedMessage`). A value with a
 * fixed set of words (explain's topics, lesson's names) is a word, not an expression; so are options,
 * socket names, files and job numbers.
 */
const EXPRESSION_KINDS: ReadonlySet<ArgKind> = new Set<ArgKind>(['data', 'value', 'host', 'port', 'address', 'bufsize']);

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
    const specAt = (i: number) => form?.[Math.min(i, form.length - 1)];
    // A value among several words (`print sent $sent wrote $n`) is text, as the words around it are;
    // alone (`print modifiedMessage`) it is the one a Python program would name.
    const expression = (i: number) => {
      const spec = specAt(i);
      if (spec === undefined || !EXPRESSION_KINDS.has(spec.kind) || spec.choices !== undefined) return false;
      return spec.kind !== 'value' || n === 1;
    };
    const bareData = split.positional.flatMap((w, i) =>
      expression(i) && w.kind === 'literal' && !w.quoted && NAME.test(w.text) ? [{ at: i, data: kindAt(i) === 'data' }] : [],
    );
    const files = split.positional.flatMap((_, i) =>
      kindAt(i) === 'file' ? [{ at: i, access: specAt(i)?.writes === true ? ('write' as const) : ('read' as const) }] : [],
    );
    PREPARED.set(call, (prepared = { def, forms, ...split, bareData, files }));
  }
  return prepared;
}

/**
 * `sendto message HOST PORT` with a variable `message` sends the word, not the variable: in Python
 * the bare name would be the variable. So with `serverPort` where a port goes, or `print
 * modifiedMessage`. The warning's text, once per call (a loop warns once); null when there is
 * nothing to say. The word stays allowed (a word is a fine payload); where it is no port, the
 * command's own error follows, and this line says why.
 */
export function bareNameWarning(call: Call, word: Word, scope: VarScope, data: boolean): string | null {
  if (word.kind !== 'literal' || !scope.has(word.text) || WARNED.has(call)) return null;
  WARNED.add(call);
  const taken = data ? `is sent as the text ${word.text}` : `is the text ${word.text} here, as every bare word is`;
  return `'${word.text}' ${taken}; the variable ${word.text} is $${word.text}`;
}
