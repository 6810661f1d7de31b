/** The words of a coercer's error: what was expected, and the value got as the user typed it (with a hint for a Python tuple typed into a command). */

import { repr, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import type { Arg } from '../spec/command.js';

/** Throws the ShellError at arg: expected …, got …, and hint. */
export function fail(arg: Arg, expected: string, hint = ''): never {
  throw new ShellError(`expected ${expected}, got ${typed(arg)}${hint}`, arg.span);
}

/** Python's (host, port) typed into a command leaves a comma or parenthesis stuck to a word. */
export function pythonTuple(v: Value): string {
  return v.kind === 'str' && /^\(|[,)]$/.test(v.value) ? ': separate arguments with spaces, without commas or parentheses (HOST PORT)' : '';
}

/**
 * The value as the message shows it, led by the word as typed when a number reads differently as a
 * value: `repeat 1e2` got 1e2 (the float 100.0), not a bare 100.0 nobody typed.
 */
function typed(arg: Arg): string {
  const shown = describe(arg.value);
  const w = arg.word;
  const number = arg.value.kind === 'int' || arg.value.kind === 'float';
  if (!number || w.kind !== 'literal' || w.quoted || w.text === shown) return shown;
  return `${w.text} (the ${arg.value.kind === 'float' ? 'float' : 'integer'} ${shown})`;
}

function describe(v: Value): string {
  switch (v.kind) {
    case 'str':
      return v.value === '' ? "'' (empty)" : repr(v);
    case 'socket':
      return `the socket ${v.handle.name}`;
    case 'address':
      return `the address ${repr(v)}`;
    default:
      return repr(v);
  }
}
