/**
 * The one table of socket errors: each reason → Node's symbolic code, the exception Python raises, and
 * a one-line phrasing built from context fields. Several reasons share a code where the situation
 * (a listening socket, a UDP socket, a port below 1024...) calls for different advice.
 */
import type { Family, Transport } from './types.js';
import { TLS_REASONS } from './tls-reasons.js';
import { UNIX_REASONS } from './unix-reasons.js';

/** What the message may mention; every field is optional and the phrasing copes with its absence. */
export interface ErrorContext {
  readonly socket?: string;
  readonly host?: string;
  readonly port?: number;
  readonly family?: Family;
  readonly transport?: Transport;
  /** ETIMEDOUT: the wait that expired, in seconds. */
  readonly seconds?: number;
  /** EMSGSIZE: the datagram's size; a sendall that stopped (with written): the bytes it was asked to send. */
  readonly size?: number;
  /** EBUSY: the call already waiting. */
  readonly pending?: string;
  /** A value that was rejected (bad port, bufsize, option name...). */
  readonly value?: string;
  /** sendfile and recvfile: the file. */
  readonly path?: string;
  /** EADDRINUSE: the socket of this shell that holds the address, when one does; or (with holderStop) another thing of this shell, a relay job. */
  readonly holder?: string;
  /** EADDRINUSE: how to stop the holder when it is not a socket to close (kill %1). */
  readonly holderStop?: string;
  /** EADDRINUSE: only connections in TIME_WAIT hold the port; the seconds until the last ends. */
  readonly timeWait?: number;
  /** recvfile: the bytes it had written to `path` when it failed (every failure says so). */
  readonly written?: number;
  /** TLS: the check that failed (OpenSSL's name), or what broke the handshake, in words. */
  readonly check?: string;
  /** TLS: the certificate the check failed on, in one line (subject, issuer, validity). */
  readonly cert?: string;
}

export interface Reason {
  readonly code: string;
  readonly python: string;
  readonly say: (c: ErrorContext, call: string) => string;
}

const name = (c: ErrorContext): string => c.socket ?? 'the socket';
const where = (c: ErrorContext): string => `${c.host ?? 'that host'} port ${c.port ?? '?'}`;
const fam = (c: ErrorContext): string => (c.family === 6 ? 'IPv6' : 'IPv4');

/** The one table: reason → code, Python exception, plain-language phrasing. */
export const REASONS = {
  ...TLS_REASONS,
  ...UNIX_REASONS,
  ECONNREFUSED: {
    code: 'ECONNREFUSED',
    python: 'ConnectionRefusedError',
    say: (c) => `nothing is listening on ${where(c)} — start the server first`,
  },
  ECONNREFUSED_UDP: {
    code: 'ECONNREFUSED',
    python: 'ConnectionRefusedError',
    say: (c) =>
      `nothing is listening on ${where(c)}: a datagram ${name(c)} sent there came back as ICMP port unreachable — start the server first`,
  },
  EADDRINUSE: {
    code: 'EADDRINUSE',
    python: 'OSError',
    say: (c) =>
      c.holder !== undefined && c.holderStop !== undefined
        ? `${where(c)} is already in use by ${c.holder} of this shell; ${c.holderStop} stops it, or pick another port`
        : c.holder !== undefined
          ? `${where(c)} is already in use by ${c.holder}, a socket of this shell; close it, or pick another port`
          : c.timeWait !== undefined
            ? `${where(c)} is held only by closed connections in TIME_WAIT (for ${c.timeWait} s more), left by a server that closed them first without SO_REUSEADDR — wait, or pick another port`
            : `${where(c)} is already in use — a socket of another program holds it (a server still running?); stop it, or pick another port`,
  },
  EADDRNOTAVAIL: {
    code: 'EADDRNOTAVAIL',
    python: 'OSError',
    say: (c) => `${c.host ?? 'that address'} is not an address of this host — bind to '' (every interface) or 127.0.0.1`,
  },
  EACCES: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c) =>
      c.port !== undefined && c.port > 0 && c.port < 1024
        ? `port ${c.port} is a well-known port (below 1024) and needs privileges — pick one above 1023`
        : `permission denied for ${where(c)}`,
  },
  EACCES_BROADCAST: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c) => `${c.host ?? 'that'} is a broadcast address — set SO_BROADCAST on ${name(c)} first`,
  },
  ENOTFOUND: {
    code: 'ENOTFOUND',
    python: 'socket.gaierror',
    say: (c) => `the host name '${c.host ?? ''}' does not resolve to an ${fam(c)} address — check the spelling or use an IP address`,
  },
  EAI_AGAIN: {
    code: 'EAI_AGAIN',
    python: 'socket.gaierror',
    say: (c) => `could not reach a name server to look up '${c.host ?? ''}' — try again, or use an IP address`,
  },
  EAI_FAMILY: {
    code: 'EAI_FAMILY',
    python: 'socket.gaierror',
    say: (c) =>
      `'${c.host ?? ''}' is not an ${fam(c)} address but ${name(c)} is an ${fam(c)} socket — use an ${fam(c)} address or create a socket of the other family`,
  },
  EMSGSIZE: {
    code: 'EMSGSIZE',
    python: 'OSError',
    say: (c) =>
      `the datagram${c.size === undefined ? '' : ` (${c.size} bytes)`} is too large for one UDP datagram (max 65507 bytes over IPv4) — send less`,
  },
  ETIMEDOUT: {
    code: 'ETIMEDOUT',
    python: 'TimeoutError',
    say: (c, call) => `${call} timed out after ${c.seconds ?? '?'} s; the socket is still usable`,
  },
  ETIMEDOUT_CONNECT: {
    code: 'ETIMEDOUT',
    python: 'TimeoutError',
    say: (c) => `no answer from ${where(c)} — the host may be down or a firewall drops the handshake`,
  },
  EINTR: {
    code: 'EINTR',
    python: 'KeyboardInterrupt',
    say: (c, call) => `${call} cancelled; ${name(c)} stays open and keeps its queued data`,
  },
  EAGAIN: {
    code: 'EAGAIN',
    python: 'BlockingIOError',
    say: (c, call) => `${name(c)} is non-blocking (settimeout 0) and ${call} would have to wait — try again later or set a timeout`,
  },
  EBUSY: {
    code: 'EBUSY',
    python: 'OSError',
    say: (c) => {
      const call = c.pending ?? 'call';
      return `${name(c)} already has ${/^[aeiou]/.test(call) ? 'an' : 'a'} ${call} waiting — one blocking call per socket; wait for it, or stop it (Ctrl-C, or kill the job that made it)`;
    },
  },
  EBADF: { code: 'EBADF', python: 'OSError', say: (c) => `socket '${c.socket ?? '?'}' is closed` },
  EINVAL_BOUND: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is already bound — a socket binds once; create a new socket to bind elsewhere`,
  },
  EINVAL_PORT: {
    code: 'EINVAL',
    python: 'OverflowError',
    say: (c) => `${c.value ?? 'that'} is not a port number — use an integer from 0 to 65535`,
  },
  EINVAL_DEST_PORT: {
    code: 'EINVAL',
    python: 'OSError',
    say: () => `port 0 cannot be a destination — send to the port the server is bound to`,
  },
  EINVAL_BUFSIZE: {
    code: 'EINVAL',
    python: 'ValueError',
    say: (c, call) => `${call} needs a buffer size that is an integer ≥ 0 (such as 2048), not ${c.value ?? 'that'}`,
  },
  EINVAL_VALUE: {
    code: 'EINVAL',
    python: 'ValueError',
    say: (c, call) => `${c.value ?? 'that value'} is out of range for ${call}`,
  },
  EINVAL_NOT_LISTENING: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is not listening — a TCP server calls bind, then listen, then accept`,
  },
  EINVAL_LISTEN_CONNECTED: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is a connected socket and cannot listen — create a new socket for the server`,
  },
  EINVAL_TOO_LATE: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${c.value ?? 'that option'} must be set before bind, and ${name(c)} is already bound — set it on a new socket first`,
  },
  ENOTCONN: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c, call) => `${name(c)} is not connected, so there is nothing to ${call} — connect first`,
  },
  ENOTCONN_LISTENING: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c, call) => `${name(c)} is a listening (welcoming) socket: accept a connection and ${call} on the socket accept returns`,
  },
  ENOTCONN_UDP_SHUTDOWN: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c) => `shutdown ends a TCP connection; UDP socket ${name(c)} has no connection to shut down — use close`,
  },
  EOPNOTSUPP_ACCEPT_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: () => `UDP is connectionless: there is nothing to accept; use recvfrom`,
  },
  EOPNOTSUPP_LISTEN_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: () => `UDP is connectionless: there is nothing to listen for; bind, then recvfrom`,
  },
  EPIPE_SENDTO_TCP: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} is TCP and not connected: sendto is for UDP; TCP sends on a connection: connect, then send`,
  },
  ENOPROTOOPT: {
    code: 'ENOPROTOOPT',
    python: 'OSError',
    say: (c) =>
      `Linux has no ${c.value ?? 'such option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket (its protocol does not have it)`,
  },
  EINVAL_OPTION: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `Linux refuses ${c.value ?? 'that option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket: multicast is for UDP`,
  },
  EPROTO_OPTION: {
    code: 'EPROTO',
    python: 'OSError',
    say: (c) =>
      `Linux refuses ${c.value ?? 'that option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket: only a UDP socket joins a multicast group`,
  },
  EOPNOTSUPP_OPTION_UNIX: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: (c) =>
      `${name(c)} is a Unix domain socket: ${c.value ?? 'that option'} is an IP or TCP option, and Linux has none of those on AF_UNIX`,
  },
  EDESTADDRREQ: {
    code: 'EDESTADDRREQ',
    python: 'OSError',
    say: (c) => `${name(c)} is not connected, so send has no destination — use sendto with a destination, or connect first`,
  },
  EOPNOTSUPP_STREAM_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: (c, call) => `${name(c)} is a UDP socket; ${call} reads a TCP byte stream — recvfrom takes one whole datagram`,
  },
  EOPNOTSUPP_FILE_UDP: {
    code: 'EOPNOTSUPP',
    python: 'ValueError',
    say: (c, call) => `${name(c)} is a UDP socket; ${call} streams a file over a TCP connection — use tcp.connect or accept`,
  },
  ENOENT_FILE: {
    code: 'ENOENT',
    python: 'FileNotFoundError',
    say: (c, call) =>
      call === 'recvfile'
        ? `cannot create ${c.path ?? 'that file'}: its directory does not exist — check the path`
        : `there is no file ${c.path ?? ''} — check the path (relative paths start from the current directory)`,
  },
  EACCES_FILE: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c, call) =>
      `${call} is not allowed to ${call === 'sendfile' ? 'read' : 'write'} ${c.path ?? 'that file'} — check its permissions`,
  },
  ENOSPC_FILE: {
    code: 'ENOSPC',
    python: 'OSError',
    say: (c) => `no space left to write ${c.path ?? 'that file'}: its disk is full (or it is a device that takes nothing, like /dev/full)`,
  },
  EISDIR_FILE: {
    code: 'EISDIR',
    python: 'IsADirectoryError',
    say: (c) => `${c.path ?? 'that path'} is a directory — give a file`,
  },
  EPIPE_UNCONNECTED: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} is not connected — connect first (or use sendto for UDP)`,
  },
  EPIPE: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} can no longer send: it was shut down for writing or the connection is gone`,
  },
  EISCONN: {
    code: 'EISCONN',
    python: 'OSError',
    say: (c) => `${name(c)} is already connected (or listening) — create a new socket for another connection`,
  },
  ECONNRESET: {
    code: 'ECONNRESET',
    python: 'ConnectionResetError',
    say: (c) => `the peer reset the connection of ${name(c)} (it closed with unread data, or crashed) — close this socket`,
  },
  ECONNABORTED: {
    code: 'ECONNABORTED',
    python: 'ConnectionAbortedError',
    say: (c) => `the connection of ${name(c)} was aborted — close this socket`,
  },
  EHOSTUNREACH: {
    code: 'EHOSTUNREACH',
    python: 'OSError',
    say: (c) => `no route to host ${c.host ?? ''} — check the address; the host may be down`,
  },
  ENETUNREACH: {
    code: 'ENETUNREACH',
    python: 'OSError',
    say: (c) => `the network of ${c.host ?? 'that host'} is unreachable from here — check the address and this host's network`,
  },
  EMFILE: {
    code: 'EMFILE',
    python: 'OSError',
    say: (_c, call) =>
      `${call} needs a file descriptor and this process has none left (each socket and open file takes one, up to ulimit -n) — close sockets you no longer need`,
  },
} as const satisfies Record<string, Reason>;

export type ReasonKey = keyof typeof REASONS;

/** Every code a SocketError of the table can carry: what `explain` must have a paragraph for. */
export type ErrorCode = (typeof REASONS)[ReasonKey]['code'];

const CODES: ReadonlySet<string> = new Set(Object.values(REASONS).map((r) => r.code));

/** A code of the table (not one unknownReason phrased for a code Node gave that the table lacks). */
export function isErrorCode(code: string): code is ErrorCode {
  return CODES.has(code);
}

/** Python's exception, and a generic phrasing, for codes the table does not cover. */
export function unknownReason(code: string): Reason {
  return { code, python: PYTHON_BY_CODE[code] ?? 'OSError', say: (_c, call) => `${call} failed with ${code}` };
}

const PYTHON_BY_CODE: Readonly<Record<string, string>> = {
  EPERM: 'PermissionError',
  EALREADY: 'BlockingIOError',
  EINPROGRESS: 'BlockingIOError',
};
