/**
 * SocketError: one typed error for every failed socket call. Each reason maps once to Node's symbolic
 * code, the Python exception Python would raise, and a one-line explanation built from context fields
 * (never from Node's err.message, which is empty for autoSelectFamily's AggregateError).
 */
import { refusedDatagramHint } from './host-listeners.js';
import { REASONS, unknownReason, type ErrorContext, type Reason, type ReasonKey } from './reasons.js';

export type { ErrorCode, ErrorContext, ReasonKey } from './reasons.js';
export { isErrorCode } from './reasons.js';

export class SocketError extends Error {
  override readonly name = 'SocketError';
  /** Node's symbolic code, e.g. 'ECONNREFUSED'. */
  readonly code: string;
  /** The Python method that failed: 'connect', 'recvfrom'... */
  readonly call: string;
  /** The exception Python would raise: 'ConnectionRefusedError', 'socket.gaierror'... */
  readonly python: string;

  /**
   * A reason from the table, or `{ code }` for a code the table does not cover ("recv failed with EXYZ").
   * With context.written, the message ends with what the call had written before it failed.
   */
  constructor(
    private readonly reason: ReasonKey | { readonly code: string },
    call: string,
    private readonly context: ErrorContext = {},
  ) {
    const r: Reason = typeof reason === 'string' ? REASONS[reason] : unknownReason(reason.code);
    super(`${r.code}: ${r.say(context, call)}${context.written === undefined ? '' : `; ${stoppedText(call, context)}`} (${r.python})`);
    this.code = r.code;
    this.call = call;
    this.python = r.python;
  }

  /** TLS: the check that failed, or what broke the handshake, in words; null for the others. */
  get check(): string | null {
    return this.context.check ?? null;
  }

  /** The error is about a Unix domain socket, whose address is a path (explain leaves the port's words out of its answer, or the path's in). */
  get unix(): boolean {
    return this.context.family === 'unix';
  }

  /** "recvfile had written N bytes to PATH when it stopped", for an error that says so; else null. */
  get stopped(): string | null {
    return this.context.written === undefined ? null : stoppedText(this.call, this.context);
  }

  /** This error, saying how many bytes the call (recvfile) had written to path before it. */
  withWritten(written: number, path: string): SocketError {
    return new SocketError(this.reason, this.call, { ...this.context, written, path });
  }

  /** This error, saying how many of size bytes the call (sendall) had sent before it; atLeast: perhaps more. */
  withSent(written: number, size: number, atLeast = false): SocketError {
    return new SocketError(this.reason, this.call, { ...this.context, written, size, ...(atLeast ? { atLeast } : {}) });
  }
}

function stoppedText(call: string, c: ErrorContext): string {
  const n = c.written ?? 0;
  const bytes = `${n} byte${n === 1 ? '' : 's'}`;
  // A file transfer names its file; sendall's count is one Python's sendall does not give.
  if (c.path === undefined) {
    const floor = c.atLeast === true ? 'at least ' : '';
    return `${call} had sent ${floor}${bytes} of ${c.size ?? '?'} when it stopped (Python's ${call} does not say how many)`;
  }
  return `${call} had written ${bytes} to ${c.path} when it stopped`;
}

/** On an AF_UNIX socket, where the address is a path: the reasons that speak of files. */
const UNIX_CODES: Readonly<Record<string, ReasonKey>> = {
  ECONNREFUSED: 'ECONNREFUSED_UNIX',
  ENOENT: 'ENOENT_UNIX',
  EADDRINUSE: 'EADDRINUSE_UNIX',
};

/** Node's codes that mean the same as one of ours. */
const NODE_CODES: Readonly<Record<string, ReasonKey>> = {
  ERR_SOCKET_BAD_PORT: 'EINVAL_PORT',
  ERR_SOCKET_DGRAM_NOT_CONNECTED: 'EDESTADDRREQ',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'EBADF',
  ERR_SOCKET_CLOSED: 'EBADF',
  ERR_STREAM_DESTROYED: 'EPIPE',
  ERR_STREAM_WRITE_AFTER_END: 'EPIPE',
  EAI_NONAME: 'ENOTFOUND',
  EAI_NODATA: 'ENOTFOUND',
  ENODATA: 'ENOTFOUND',
  EAI_ADDRFAMILY: 'ENOTFOUND',
  EAFNOSUPPORT: 'EAI_FAMILY',
};

/** Turn anything a Node socket call threw or emitted into a SocketError, phrased for this call. */
export function toSocketError(err: unknown, call: string, context: ErrorContext = {}): SocketError {
  if (err instanceof SocketError) return err;
  const code = errorCode(err);
  return fromCode(code, call, context);
}

/** A SocketError for a Node symbolic code, picking the variant that fits the call. */
export function fromCode(code: string, call: string, context: ErrorContext = {}): SocketError {
  const unix = context.family === 'unix' ? UNIX_CODES[code] : undefined;
  if (unix !== undefined) return new SocketError(unix, call, context);
  if (code === 'ECONNREFUSED' && context.transport === 'udp') return new SocketError('ECONNREFUSED_UDP', call, withBoundHint(context));
  if (code === 'EACCES' && (call === 'sendto' || call === 'send') && context.transport === 'udp') {
    return new SocketError('EACCES_BROADCAST', call, context);
  }
  if (code === 'ETIMEDOUT' && call === 'connect' && context.seconds === undefined) {
    return new SocketError('ETIMEDOUT_CONNECT', call, context);
  }
  const mapped = NODE_CODES[code];
  if (mapped !== undefined) return new SocketError(mapped, call, context);
  if (isReason(code)) return new SocketError(code, call, context);
  return new SocketError({ code }, call, context);
}

/**
 * A connected UDP socket's refusal, with what is bound on this host instead, read from the kernel's
 * table now (host-listeners.ts): the one place every path of that error (a stored ICMP error, a send
 * or receive that returned it) comes through. Read once per refusal.
 */
function withBoundHint(c: ErrorContext): ErrorContext {
  if (c.host === undefined || c.port === undefined || (c.family !== 4 && c.family !== 6)) return c;
  return { ...c, ...refusedDatagramHint(c.host, c.port, c.family) };
}

function isReason(code: string): code is ReasonKey {
  return Object.prototype.hasOwnProperty.call(REASONS, code);
}

/** Node's symbolic code of a thrown or emitted error ('EIO' when it has none). */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return 'EIO';
}
