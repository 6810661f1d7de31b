import type { Address } from '../engine/types.js';
import { repr, toBytes, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import type { Arg, ArgKind, ArgSpec, Args, CommandDef, KindValue } from '../spec/command.js';
import type { FlagValue } from '../spec/flags.js';
import type { Span } from '../core/span.js';

/**
 * Coercions from argument values to what a socket call needs. Each failure is a ShellError that
 * points at the argument and says what was expected.
 */

export const MAX_BUFSIZE = 16 * 1024 * 1024;

function fail(arg: Arg, expected: string, hint = ''): never {
  throw new ShellError(`expected ${expected}, got ${typed(arg)}${hint}`, arg.span);
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
  return fail(arg, what);
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

function coerceForm(form: readonly ArgSpec[], args: readonly (Arg | null)[]): Args {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < form.length; i++) {
    const spec = form[i]!;
    const coerce = COERCE[spec.kind] as (arg: Arg, spec: ArgSpec) => unknown;
    if (spec.rest === true) {
      // A loop, not slice + flatMap: send's rest is on every call's path, and is usually empty.
      const rest: unknown[] = [];
      for (let j = i; j < args.length; j++) if (args[j] !== null) rest.push(coerce(args[j]!, spec));
      out[spec.name] = rest;
      break;
    }
    const arg = args[i];
    if (arg !== undefined && arg !== null) out[spec.name] = coerce(arg, spec);
  }
  return out;
}

/** The forms a call with n positional words can match: by count, a rest argument taking any number past its place. */
export function formsFor(forms: readonly (readonly ArgSpec[])[], n: number): readonly (readonly ArgSpec[])[] {
  return forms.filter((f) => (f.length > 0 && f[f.length - 1]!.rest === true ? n >= f.length - 1 : n === f.length));
}

/**
 * The arguments coerced by the first of the forms they fit. When none fits, the error is the one
 * from the form that took the most words before failing (tcp.listen localhost 99999 is about the
 * port, not about localhost not being a port). A null arg is one not known yet (a variable, at
 * check time): every coercer accepts it.
 */
export function coerceArgs(
  forms: readonly (readonly ArgSpec[])[],
  args: readonly (Arg | null)[],
  flagged: readonly { readonly spec: ArgSpec }[] = [],
  flagArgs: readonly Arg[] = [],
): Args {
  const positional = coercePositional(forms, args);
  if (flagged.length === 0) return positional;
  const out: Record<string, unknown> = { ...positional };
  flagged.forEach(({ spec }, i) => (out[spec.name] = (COERCE[spec.kind] as (arg: Arg, spec: ArgSpec) => unknown)(flagArgs[i]!, spec)));
  return out;
}

function coercePositional(forms: readonly (readonly ArgSpec[])[], args: readonly (Arg | null)[]): Args {
  if (forms.length === 1) return coerceForm(forms[0]!, args);
  let best: { error: unknown; at: number } | null = null;
  for (const form of forms) {
    try {
      return coerceForm(form, args);
    } catch (error) {
      if (!(error instanceof ShellError)) throw error;
      const at = args.findIndex((a) => a !== null && a.span === error.span);
      if (best === null || at > best.at) best = { error, at };
    }
  }
  throw best === null ? new Error('coerceArgs: no forms') : best.error;
}

/**
 * Runs a command's refine (its rules between arguments) over the arguments known so far. A
 * positional name points at its place in the first of the forms that has it (the forms a count of
 * words fits name the same places); a valued flag at the flag and its value; a name not typed at
 * the command's name.
 */
export function refineArgs(
  def: CommandDef,
  given: { a: Args; flags: ReadonlySet<string>; forms: readonly (readonly ArgSpec[])[] },
  positional: readonly { readonly span: Span }[],
  values: readonly FlagValue[],
  name: Span,
): void {
  if (def.refine === undefined) return;
  const at = (arg: string): Span => {
    const flagged = values.find((v) => v.spec.name === arg);
    if (flagged !== undefined) {
      const from = flagged.flag.span;
      const to = flagged.word.span;
      return to.line === from.line ? { line: from.line, col: from.col, width: to.col + to.width - from.col } : from;
    }
    for (const form of given.forms) {
      const i = form.findIndex((s) => s.name === arg);
      if (i >= 0 && positional[i] !== undefined) return positional[i].span;
    }
    return name;
  };
  def.refine({ a: given.a, flags: given.flags, at });
}
