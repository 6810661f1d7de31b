import type { CompareOp, MatchOp } from '../lang/ast.js';
import { NONE, repr, truthy } from '../lang/values.js';
import { compare, match } from '../lang/compare.js';
import { ShellError } from '../core/errors.js';
import { lines, type PyContext } from '../spec/python.js';
import { primary } from '../export/words.js';
import { defineCommand, type Arg, type CommandDef } from '../spec/command.js';

/**
 * `expect A OP B` and `expect VALUE`: a check that fails the script with "expected …, got …" and its
 * line, exported as an assert. OP is a comparison or a match of the conditions `if` takes
 * (startswith, endswith, in, matches; `not in` is two words, so `if` says it), so a check reads as the
 * condition a script would test (user trial 5: `expect $greet startswith "+OK"` was refused with
 * "expected an operator: ==, !=, <, <=, > or >=").
 */
type ExpectOp = CompareOp | Exclude<MatchOp, 'not in'>;

const COMPARE: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];
const MATCH: readonly string[] = ['startswith', 'endswith', 'in', 'matches'];

/** How a failure names what was wanted of the value: `expected a value that starts with '+OK'`. */
const WANTED: Record<Exclude<ExpectOp, '=='>, string> = {
  '!=': 'a value !=',
  '<': 'a value <',
  '<=': 'a value <=',
  '>': 'a value >',
  '>=': 'a value >=',
  startswith: 'a value that starts with',
  endswith: 'a value that ends with',
  in: 'a value in',
  matches: 'a value that matches',
};

function operator(arg: Arg): ExpectOp | null {
  const w = arg.word;
  if (w.kind !== 'literal' || w.quoted) return null;
  return COMPARE.includes(w.text) || MATCH.includes(w.text) ? (w.text as ExpectOp) : null;
}

const isMatch = (op: ExpectOp): op is Exclude<MatchOp, 'not in'> => MATCH.includes(op);

/** The Python condition of `A OP B`, both sides of one type where the shell compares text with bytes. */
function condition(py: PyContext, op: string): string {
  const bytes = py.type(0) === 'bytes' || py.type(2) === 'bytes';
  const [a, b] = bytes ? [py.bytes(0), py.bytes(2)] : [py.arg(0), py.arg(2)];
  switch (op) {
    case 'startswith':
    case 'endswith':
      return `${primary(a)}.${op}(${b})`;
    case 'in':
      return py.type(2) === 'bytes' || py.type(2) === 'str' ? `${a} in ${b}` : `${py.arg(0)} in ${py.arg(2)}`;
    case 'matches':
      py.need('re');
      return `re.search(${py.type(0) === 'bytes' ? py.bytes(2) : py.arg(2)}, ${py.arg(0)})`;
    default:
      return `${a} ${op} ${b}`;
  }
}

export const expectCommand: CommandDef = defineCommand({
  name: 'expect',
  group: 'value',
  usage: 'expect A OP B | expect VALUE',
  forms: [
    [{ name: 'VALUE', kind: 'value' }],
    [
      { name: 'A', kind: 'value' },
      { name: 'OP', kind: 'value' },
      { name: 'B', kind: 'value' },
    ],
  ],
  summary:
    'Check a value (OP: == != < <= > >= startswith endswith in matches); a mismatch fails the script with "expected …, got …" and its line',
  python: { code: "assert modifiedMessage == b'HELLO'" },
  example: 'expect $modifiedMessage == HELLO',
  // The message is %-formatted: an f-string could not hold an operand's quotes before Python 3.12.
  toPython: (py) => {
    if (py.count === 1) return lines(`assert ${py.arg(0)}, 'expected a true value, got %r' % (${py.arg(0)},)`);
    const op = py.arg(1).replace(/'/g, '');
    const wanted = op === '==' ? '' : `${WANTED[op as Exclude<ExpectOp, '=='>]} `;
    // A comparison shows its sides as Python compared them (bytes with bytes); a match, as written.
    const bytes = !MATCH.includes(op) && (py.type(0) === 'bytes' || py.type(2) === 'bytes');
    const [a, b] = bytes ? [py.bytes(0), py.bytes(2)] : [py.arg(0), py.arg(2)];
    return lines(`assert ${condition(py, op)}, 'expected ${wanted}%r, got %r' % (${b}, ${a})`);
  },
  run(ctx) {
    const [a, opArg, b] = ctx.args;
    if (!opArg) {
      if (!truthy(a!.value)) {
        throw new ShellError(`expected a true value, got ${repr(a!.value, ctx.session.describe)}`, a!.span);
      }
      return NONE;
    }
    const op = operator(opArg);
    if (!op) throw new ShellError(`expected an operator: ${[...COMPARE, ...MATCH].slice(0, -1).join(', ')} or matches`, opArg.span);
    const ok = isMatch(op) ? match(op, a!.value, b!.value) : compare(op, a!.value, b!.value);
    if (typeof ok === 'string') throw new ShellError(ok, opArg.span);
    if (!ok) {
      const d = ctx.session.describe;
      const wanted = op === '==' ? repr(b!.value, d) : `${WANTED[op]} ${repr(b!.value, d)}`;
      throw new ShellError(`expected ${wanted}, got ${repr(a!.value, d)}`, a!.span);
    }
    return NONE;
  },
});
