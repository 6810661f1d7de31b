import type { Diagnostic, Span, Word } from '../lang/ast.js';
import { bareLiteral } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { coerceArgs, formsFor, refineArgs } from './args.js';
import type { Arg, CommandDef } from '../spec/command.js';
import type { FlagValue } from '../spec/flags.js';

/**
 * Checks written-out argument values before anything runs: `recvfrom abc`, `bind '' 99999` or
 * `relay udp 0 localhost 9 --loss abc` is reported by `sockshell check` with its position, as the
 * same value would be at run time. It runs the interpreter's own coercers (coercers.ts COERCE), on the
 * positional words and the words after valued flags, then the command's refine; a word whose value
 * is known only at run time (a variable, an inline call) is left to then.
 */
export function checkLiterals(
  def: CommandDef,
  positional: readonly Word[],
  values: readonly FlagValue[],
  flags: ReadonlySet<string>,
  name: Span,
): Diagnostic | null {
  const args = positional.map(literal);
  const known = values.filter((v) => v.word.kind === 'literal');
  try {
    const forms = formsFor(def.forms, positional.length);
    const a = coerceArgs(
      forms,
      args,
      known,
      known.map((v) => literal(v.word)!),
    );
    refineArgs(def, { a, flags, forms }, positional, values, name);
    return null;
  } catch (e) {
    if (!(e instanceof ShellError) || e.span === null) throw e;
    const at = e.span;
    const word = positional.find((w) => w.span === at);
    const bare = word?.kind === 'literal' && !word.quoted && /^[A-Za-z_]\w*$/.test(word.text) ? { bare: word.text } : {};
    return { message: e.message, span: at, ...bare };
  }
}

function literal(word: Word): Arg | null {
  return word.kind === 'literal'
    ? { word, span: word.span, value: word.quoted ? { kind: 'str', value: word.text } : bareLiteral(word.text) }
    : null;
}
