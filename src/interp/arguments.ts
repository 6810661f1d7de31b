import type { FileAccess } from '../spec/services.js';
import type { Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { Arg } from '../spec/command.js';
import { ShellError } from '../core/errors.js';
import type { Prepared } from './prepared.js';

/**
 * A call's arguments evaluated: its positional words and the words after its valued flags, each with
 * its span. A file argument the session's file guard refuses (a transcript kept to its folder) is an
 * error here, before the command runs.
 */
export function callArguments(
  prepared: Prepared,
  value: (word: Word) => Value,
  guard: ((path: string, access: FileAccess) => string | null) | undefined,
): { args: Arg[]; flagArgs: Arg[] } {
  const { positional } = prepared;
  const args: Arg[] = new Array<Arg>(positional.length);
  for (let i = 0; i < positional.length; i++) {
    const word = positional[i]!;
    args[i] = { word, span: word.span, value: value(word) };
  }
  const flagArgs = prepared.values.map(({ word }): Arg => ({ word, span: word.span, value: value(word) }));
  if (guard) {
    const accessOf = (spec: { readonly writes?: true }): FileAccess => (spec.writes === true ? 'write' : 'read');
    const files = [
      ...prepared.files.map(({ at, access }) => ({ arg: args[at]!, access })),
      ...flagArgs.flatMap((arg, i) =>
        prepared.values[i]!.spec.kind === 'file' ? [{ arg, access: accessOf(prepared.values[i]!.spec) }] : [],
      ),
    ];
    for (const { arg, access } of files) {
      const v = arg.value;
      const refused = v.kind === 'str' || v.kind === 'bytes' ? guard(v.kind === 'str' ? v.value : v.value.toString('utf8'), access) : null;
      if (refused !== null) throw new ShellError(refused, arg.span);
    }
  }
  return { args, flagArgs };
}
