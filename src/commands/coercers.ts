/** One coercer per argument kind (COERCE): an argument's value as a handler's ctx.a holds it, or a ShellError at the argument saying what was expected. */

import type { Address } from '../engine/types.js';
import { repr, toBytes, type Value } from '../lang/values.js';
import type { Arg, ArgKind, ArgSpec, KindValue } from '../spec/command.js';
import { fail, pythonTuple } from './coerce-errors.js';

export const MAX_BUFSIZE = 16 * 1024 * 1024;

function integer(v: Value): number | null {
  if (v.kind === 'int') return v.value;
  if (v.kind === 'str' && /^\s*-?\d+\s*$/.test(v.value)) return Number(v.value);
  return null;
}

function port(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > 65535) fail(arg, 'a port number from 0 to 65535', pythonTuple(arg.value));
  return n;
}

/** A HOST; `what` is the spec's own words for it (bind's '' hint, sendto's order), else the kind's. */
function host(arg: Arg, what = 'a host name or address'): string {
  const v = arg.value;
  const hint = pythonTuple(v);
  if (hint !== '') fail(arg, 'a host name or address', hint);
  if (v.kind === 'str') return v.value;
  if (v.kind === 'bytes') return v.value.toString('utf8');
  // A number where a host goes is a port typed too early: the words are out of order.
  return fail(arg, what, v.kind === 'int' ? ': a number where HOST goes; are the words swapped?' : '');
}

/** A file path: text, or bytes as UTF-8. */
function path(arg: Arg): string {
  const v = arg.value;
  if (v.kind === 'str' && v.value !== '') return v.value;
  if (v.kind === 'bytes' && v.value.length > 0) return v.value.toString('utf8');
  return fail(arg, 'a file path');
}

/**
 * Bytes to send. A word written out unquoted is sent as it was typed: `send 1.50` sends the four
 * bytes 1.50, never the number's text (1.5); the value a word has elsewhere (a float) is not a payload.
 */
function data(arg: Arg): Buffer {
  const w = arg.word;
  if (w.kind === 'literal' && !w.quoted) return Buffer.from(w.text, 'utf8');
  const v = arg.value;
  if (v.kind === 'address' || v.kind === 'socket' || v.kind === 'tuple' || v.kind === 'none') {
    fail(arg, 'text or bytes to send');
  }
  return toBytes(v);
}

const SPACE = Buffer.from(' ');

/** Several DATA words as one payload, joined by single spaces (send hi there). */
export function joinWords(first: Buffer, more: readonly Buffer[]): Buffer {
  if (more.length === 0) return first;
  return Buffer.concat([first, ...more.flatMap((b) => [SPACE, b])]);
}

/** BUFSIZE for recv and recvfrom. 0 is allowed, as in Python: recv 0 returns b'' at once, recvfrom 0 takes one datagram and keeps none of its bytes. */
function bufsize(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > MAX_BUFSIZE) fail(arg, `a buffer size from 0 to ${MAX_BUFSIZE} bytes, as in recv 2048`);
  return n;
}

/**
 * listen's backlog as Python takes it: below 0 means 0 (the OS's smallest queue); past a C int it is
 * Python's OverflowError. The kernel caps large values at its own maximum (somaxconn) silently.
 */
function backlog(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n > 2 ** 31 - 1) fail(arg, 'a backlog up to 2147483647, as in listen 1 (Python raises OverflowError past a C int)');
  return Math.max(0, n);
}

export function count(arg: Arg, what = 'a count', min = 0): number {
  const n = arg.value.kind === 'bool' ? Number(arg.value.value) : integer(arg.value); // Python's bool is an int: setsockopt(..., True)
  if (n === null || n < min) fail(arg, `${what} of ${min} or more`);
  return n;
}

/** An exit status: 0 to 255, as a process can return (Python's sys.exit(256) would wrap to 0). */
function status(arg: Arg): number {
  const n = integer(arg.value);
  if (n === null || n < 0 || n > 255) fail(arg, 'an exit status from 0 to 255');
  return n;
}

/** A duration in seconds, or null for `none`. */
function seconds(arg: Arg, allowNone: boolean): number | null {
  const v = arg.value;
  if (v.kind === 'none' && allowNone) return null;
  const n = v.kind === 'int' || v.kind === 'float' ? v.value : v.kind === 'str' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < 0 || (v.kind === 'str' && v.value.trim() === '')) {
    fail(arg, allowNone ? 'seconds (0 or more) or none' : 'seconds (0 or more)');
  }
  return n;
}

function address(arg: Arg, what = 'an address, as recvfrom or accept return'): Address {
  if (arg.value.kind === 'address') return arg.value.address;
  return fail(arg, what, hostAlone(arg.value));
}

/**
 * A host where HOST PORT or an address goes: the port was forgotten (`tcp.connect 127.0.0.1`), or
 * written as a service name (`localhost:http`), which Python's connect refuses too (trial 7); or a
 * port where they go, the host forgotten.
 */
function hostAlone(v: Value): string {
  // A port alone (`connect 12000`): the host was forgotten (newuser trial 3).
  const port = v.kind === 'int' ? v.value : v.kind === 'str' && /^\d{1,5}$/.test(v.value) ? Number(v.value) : null;
  if (port !== null && port >= 0 && port <= 65535) return `: the HOST is missing (localhost ${port} for this host, or localhost:${port})`;
  if (v.kind !== 'str') return pythonTuple(v);
  const named = /^([^:[\]\s]+):([A-Za-z][\w-]*)$/.exec(v.value);
  if (named) return `: a port is a number, as in Python (${named[1]}:80)`;
  // An IPv6 literal by its look (hex and two colons or more): commands/ stays off node:net (containment).
  const v6 = /^[\da-f:.]+$/i.test(v.value) && v.value.split(':').length > 2;
  if (/^[\w.-]+$/.test(v.value) || v6) {
    const host = v6 ? `[${v.value}]` : v.value;
    return `: the PORT is missing (${v.value} 12000, or ${host}:12000)`;
  }
  return pythonTuple(v);
}

/** One of a few words, in any case; the message lists them. */
function word(arg: Arg, what: string, choices: readonly string[]): string {
  const v = arg.value;
  const text = v.kind === 'str' ? v.value : null;
  const found = choices.find((c) => c.toLowerCase() === text?.toLowerCase());
  if (found === undefined) fail(arg, `${what} (${choices.join(', ')})`);
  return found;
}

/** A number from 0 to max, fractions too: a percentage, milliseconds. */
function ranged(arg: Arg, max: number, what: string): number {
  const v = arg.value;
  const n = v.kind === 'int' || v.kind === 'float' ? v.value : v.kind === 'str' && v.value.trim() !== '' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > max) fail(arg, what);
  return n;
}

/** The longest wait a millis argument takes: ten minutes, far past any test and far below a timer's limit. */
export const MAX_MILLIS = 600_000;

/** A job number as jobs lists it: 1 or %1. */
function job(arg: Arg): number {
  const v = arg.value;
  const text = v.kind === 'int' ? String(v.value) : v.kind === 'str' ? v.value : '';
  const m = /^%?(\d+)$/.exec(text);
  if (!m) fail(arg, 'a job number such as %1 (see jobs)');
  return Number(m[1]);
}

/** on or off; True and False too, as Python would pass them. */
function onOff(arg: Arg): boolean {
  const v = arg.value;
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'str' && /^(on|off)$/i.test(v.value)) return v.value.toLowerCase() === 'on';
  return fail(arg, 'on or off');
}

function text(arg: Arg): string {
  const v = arg.value;
  return v.kind === 'str' ? v.value : v.kind === 'bytes' ? v.value.toString('utf8') : repr(v);
}

/**
 * One coercer per argument kind: what a handler's `ctx.a` holds. The interpreter runs them once a
 * call's form is matched, and `sockshell check` runs them over literal words before anything runs.
 */
export const COERCE: { readonly [K in ArgKind]: (arg: Arg, spec: ArgSpec) => KindValue[K] } = {
  data,
  host: (a, s) => host(a, s.what),
  port,
  address: (a, s) => address(a, s.what),
  bufsize,
  backlog,
  seconds: (a) => seconds(a, false)!,
  percent: (a, s) => ranged(a, 100, s.what ?? 'a percentage from 0 to 100'),
  millis: (a, s) => ranged(a, MAX_MILLIS, s.what ?? `milliseconds from 0 to ${MAX_MILLIS}`),
  timeout: (a) => seconds(a, true),
  count: (a, s) => count(a, s.what, s.min),
  status,
  value: (a) => a.value,
  socket: (a) => a.value,
  file: path,
  option: (a, s) => word(a, s.what ?? 'a socket option', s.choices ?? []),
  how: (a, s) => word(a, s.what ?? 'which side to shut down', s.choices ?? []),
  choice: (a, s) => word(a, s.what ?? 'one of', s.choices ?? []),
  switch: onOff,
  job,
  command: text,
};
