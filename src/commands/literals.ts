import type { Diagnostic, Word } from '../lang/ast.js';
import { bareLiteral } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { coerceArgs, formsFor } from './args.js';
import type { Arg, CommandDef } from '../spec/command.js';

/**
 * Checks written-out argument values before anything runs: `recvfrom abc` or `bind '' 99999` is
 * reported by `sockshell check` with its position, as the same value would be at run time. It runs
 * the interpreter's own coercers (args.ts COERCE); a word whose value is known only at run time
 * (a variable, an inline call) is left to then.
 */
export function checkLiterals(def: CommandDef, positional: readonly Word[]): Diagnostic | null {
  const args = positional.map((word): Arg | null =>
    word.kind === 'literal'
      ? { word, span: word.span, value: word.quoted ? { kind: 'str', value: word.text } : bareLiteral(word.text) }
      : null,
  );
  try {
    coerceArgs(formsFor(def.forms, positional.length), args);
    return null;
  } catch (e) {
    if (e instanceof ShellError && e.span !== null) return { message: e.message, span: e.span };
    throw e;
  }
}
