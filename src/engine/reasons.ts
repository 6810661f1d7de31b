/**
 * The one table of socket errors: each reason → Node's symbolic code, the exception Python raises, and
 * a one-line phrasing built from context fields. Several reasons share a code where the situation
 * (a listening socket, a UDP socket, a port below 1024...) calls for different advice.
 */
import type { Family, Transport } from './types.js';
import { TLS_REASONS } from './tls-reasons.js';
import { UNIX_REASONS } from './unix-reasons.js';
import { ADDRESS_REASONS } from './address-reasons.js';
import { STATE_REASONS } from './state-reasons.js';
import { WAIT_REASONS } from './wait-reasons.js';
import { LIMIT_REASONS } from './limit-reasons.js';
import { FILE_REASONS } from './file-reasons.js';
import { OPTION_REASONS } from './option-reasons.js';

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
  /** recvfile: the bytes it had written to `path` when it failed (every failure says so); sendall: the bytes it had sent. */
  readonly written?: number;
  /** sendall: written is a floor (the kernel may have taken part of a piece Node held, unseen). */
  readonly atLeast?: boolean;
  /** TLS: the check that failed (OpenSSL's name), or what broke the handshake, in words. */
  readonly check?: string;
  /** TLS: the certificate the check failed on, in one line (subject, issuer, validity). */
  readonly cert?: string;
  /** ECONNREFUSED: what does listen (TCP) or is bound (UDP) on this host, near where the client went (host-listeners.ts). */
  readonly elsewhere?: string;
  /** ECONNREFUSED on UDP: the address of a socket bound where the refused datagram went, since it came back (host-listeners.ts). */
  readonly boundSince?: string;
}

export interface Reason {
  readonly code: string;
  readonly python: string;
  readonly say: (c: ErrorContext, call: string) => string;
}

/** The one table: reason → code, Python exception, plain-language phrasing; its rows, by what went wrong, are in *-reasons.ts. */
export const REASONS = {
  ...TLS_REASONS,
  ...UNIX_REASONS,
  ...ADDRESS_REASONS,
  ...STATE_REASONS,
  ...WAIT_REASONS,
  ...LIMIT_REASONS,
  ...FILE_REASONS,
  ...OPTION_REASONS,
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
