/**
 * What a command contributes to an exported Python program. Each CommandDef has a `toPython`
 * that receives its arguments as Python expressions (converted as the call needs them) and returns
 * an expression, statements, or a comment when Python has no such call.
 */

import type { Family, Transport } from '../engine/index.js';

/** What the exporter knows statically about a variable, to write .encode() and .decode() where Python needs them. */
export type PyType = 'str' | 'bytes' | 'int' | 'float' | 'bool' | 'none' | 'address' | 'socket' | 'unknown';

export interface PyContext {
  /** The socket variable a socket call acts on (NAME in NAME.call, else the current socket). */
  readonly target: string;
  /** The variable a new socket gets: the assignment target, or the shell's automatic name (udp1). */
  readonly newName: string;
  /** The family of the socket this statement made when it ran in the session; null for a script never run. */
  readonly family: Family | null;
  /**
   * The transport of the socket `target` names, where the program shows it (made by tcp.socket,
   * tcp.listen, accept…); null where only the running shell would know.
   */
  readonly transport: Transport | null;
  /** The command is inside a loop (while, repeat). */
  readonly looping: boolean;
  /** How many positional arguments were written. */
  readonly count: number;
  flag(name: string): boolean;
  /** Argument i as written: a name, or a Python literal. */
  arg(i: number): string;
  /** Argument i as bytes, for send: b'hi', message.encode(), data. */
  bytes(i: number): string;
  /** Argument i as text: name, 'hi', message.decode() (bytes written out that are not UTF-8: .decode(errors='backslashreplace')). */
  text(i: number): string;
  /** What is known of argument i's type. */
  type(i: number): PyType;
  /** False when argument i is written-out bytes that are not UTF-8 (Python's .decode() would fail). */
  utf8(i: number): boolean;
  /** The socket variable argument i names (tcp2 written out, $s holding a socket); null when only the running shell knows. */
  socket(i: number): string | null;
  /** Arguments from i on as a Python address: (host, port), or an address variable. */
  address(from: number): string;
  /** A comment for the top of the program, written once: where the program's run differs from the shell's, and why. */
  note(text: string): void;
  /** The word a valued flag took (`--ca FILE`: its ArgSpec's name, FILE), as Python; null when the flag was not given. */
  flagArg(name: string): string | null;
  /**
   * The program has a TLS listening socket and a TLS client (tls.listen, tls.connect): one Python
   * thread cannot run both ends of a handshake, so connect and accept go through the helpers
   * tls_connect and tls_accept (export/helpers.ts).
   */
  readonly tlsBothEnds: boolean;
  /** Needs `import NAME` at the top. */
  need(module: string): void;
  /** Needs the small function `name` defined at the top (export/helpers.ts): a read Python has no one call for. */
  helper(name: PyHelper): void;
}

/**
 * The functions an exported program defines for calls Python spells as a loop (recvline, recvuntil,
 * recvexactly, recvfile), and for what the shell shows in a layout of its own (hexdump).
 */
export type PyHelper = 'recvuntil' | 'recvline' | 'recvexactly' | 'recvfile' | 'input_or_none' | 'tls_connect' | 'tls_accept' | 'hexdump';

export type PyResult =
  /**
   * A value, assigned or (when echoing a session) printed by the exporter. `types` per tuple item;
   * `transport`, that of the socket it gives (first item), when it gives one.
   */
  | { readonly kind: 'expr'; readonly code: string; readonly types: readonly PyType[]; readonly transport?: Transport }
  /** Statements; `defines` names a socket variable they create. */
  | {
      readonly kind: 'lines';
      readonly lines: readonly string[];
      readonly defines?: { readonly name: string; readonly type: PyType; readonly transport?: Transport };
    }
  /** No Python equivalent: kept as a comment, never dropped. */
  | { readonly kind: 'comment'; readonly text: string }
  /**
   * The bare calls after it act on `socket` (use NAME). Python has no current socket: the exporter
   * writes the comment, and names `socket` in those calls.
   */
  | { readonly kind: 'current'; readonly socket: string; readonly text: string };

export type PyGen = (py: PyContext) => PyResult;

export const expr = (code: string, ...types: PyType[]): PyResult => ({ kind: 'expr', code, types: types.length ? types : ['none'] });
export const lines = (...ls: string[]): PyResult => ({ kind: 'lines', lines: ls });
/** An expression giving a new socket of this transport (and, for accept, its peer's address). */
export const socketExpr = (code: string, transport: Transport, ...rest: PyType[]): PyResult => ({
  kind: 'expr',
  code,
  types: ['socket', ...rest],
  transport,
});

/**
 * The line before a bind of a TCP socket: the shell's TCP sockets all have SO_REUSEADDR (libuv sets it
 * on every TCP bind), so a port left in TIME_WAIT binds there; without it Python's bind fails (EADDRINUSE).
 */
export const reuseAddress = (socket: string): string =>
  `${socket}.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)  # as sockshell's TCP sockets have it (Node sets it): a port in TIME_WAIT binds`;
export const comment = (text: string): PyResult => ({ kind: 'comment', text });
