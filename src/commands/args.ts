import type { Address, Family } from '../engine/types.js';
import { repr, toBytes, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import type { Arg } from '../spec/command.js';

/**
 * Coercions from argument values to what a socket call needs. Each failure is a ShellError that
 * points at the argument and says what was expected.
 */

export const MAX_BUFSIZE = 16 * 1024 * 1024;

function fail(arg: Arg, expected: string, hint = ''): never {
  throw new ShellError(`expected ${expected}, got ${describe(arg.value)}${hint}`, arg.span);
}

/** Python's (host, port) typed into a command leaves a comma or parenthesis stuck to a word. */
function pythonTuple(v: Value): string {
  return v.kind === 'str' && /^\(|[,)]$/.test(v.value) ? ': separate arguments with spaces, without commas or parentheses (HOST PORT)' : '';
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

function integer(v: Value): number | null {
  if (v.kind === 'int') return v.value;
  if (v.kind === 'str' && /^\s*-?\d+\s*$/.test(v.value)) return Number(v.value);
  return null;
}

export function port(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > 65535) fail(arg, 'a port number from 0 to 65535', pythonTuple(arg.value));
  return n;
}

export function host(arg: Arg): string {
  const v = arg.value;
  const hint = pythonTuple(v);
  if (hint !== '') fail(arg, 'a host name or address', hint);
  if (v.kind === 'str') return v.value;
  if (v.kind === 'bytes') return v.value.toString('utf8');
  return fail(arg, "a host name or address ('' for every interface)");
}

/** A file path: text, or bytes as UTF-8. */
export function path(arg: Arg): string {
  const v = arg.value;
  if (v.kind === 'str' && v.value !== '') return v.value;
  if (v.kind === 'bytes' && v.value.length > 0) return v.value.toString('utf8');
  return fail(arg, 'a file path');
}

export function data(arg: Arg): Buffer {
  const v = arg.value;
  if (v.kind === 'address' || v.kind === 'socket' || v.kind === 'tuple' || v.kind === 'none') {
    fail(arg, 'text or bytes to send');
  }
  return toBytes(v);
}

/** Several DATA words as one payload, joined by single spaces (send hi there). */
export function words(args: readonly Arg[]): Buffer {
  if (args.length === 1) return data(args[0]!);
  const space = Buffer.from(' ');
  return Buffer.concat(args.flatMap((a, i) => (i === 0 ? [data(a)] : [space, data(a)])));
}

/** BUFSIZE for recv and recvfrom. 0 is allowed, as in Python: recv 0 returns b'' at once, recvfrom 0 takes one datagram and keeps none of its bytes. */
export function bufsize(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > MAX_BUFSIZE) fail(arg, `a buffer size from 0 to ${MAX_BUFSIZE} bytes, as in recv 2048`);
  return n;
}

/**
 * listen's backlog as Python takes it: below 0 means 0 (the OS's smallest queue); past a C int it is
 * Python's OverflowError. The kernel caps large values at its own maximum (somaxconn) silently.
 */
export function backlog(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n > 2 ** 31 - 1) fail(arg, 'a backlog up to 2147483647, as in listen 1 (Python raises OverflowError past a C int)');
  return Math.max(0, n);
}

export function count(arg: Arg, what = 'a count'): number {
  const n = integer(arg.value);
  if (n === null || n < 0) fail(arg, `${what} of 0 or more`);
  return n;
}

/** An exit status: 0 to 255, as a process can return (Python's sys.exit(256) would wrap to 0). */
export function status(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > 255) fail(arg, 'an exit status from 0 to 255');
  return n;
}

/** A duration in seconds, or null for `none`. */
export function seconds(arg: Arg, allowNone: boolean): number | null {
  const v = arg.value;
  if (v.kind === 'none' && allowNone) return null;
  const n = v.kind === 'int' || v.kind === 'float' ? v.value : v.kind === 'str' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < 0 || (v.kind === 'str' && v.value.trim() === '')) {
    fail(arg, allowNone ? 'seconds (0 or more) or none' : 'seconds (0 or more)');
  }
  return n;
}

export function address(arg: Arg): Address {
  if (arg.value.kind === 'address') return arg.value.address;
  return fail(arg, 'an address, as recvfrom or accept return');
}

/** One of a few words, in any case; the message lists them. */
export function word(arg: Arg, what: string, choices: readonly string[]): string {
  const v = arg.value;
  const text = v.kind === 'str' ? v.value : null;
  const found = choices.find((c) => c.toLowerCase() === text?.toLowerCase());
  if (found === undefined) fail(arg, `${what} (${choices.join(', ')})`);
  return found;
}

/** HOST PORT, or one ADDRESS value (from recvfrom, accept or getsockname), as Python's (host, port) tuple. */
export function hostAndPort(args: readonly Arg[], from = 0): { host: string; port: number; family?: Family } {
  if (args.length - from === 1) {
    const only = args[from]!;
    if (only.value.kind === 'address') return only.value.address;
    fail(only, 'HOST PORT, or one address as recvfrom, accept and getsockname return');
  }
  return { host: host(args[from]!), port: port(args[from + 1]!) };
}
