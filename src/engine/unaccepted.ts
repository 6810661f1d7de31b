/**
 * A connection accept has not taken yet: its 'error' listener until accept attaches its own, and what
 * becomes of it when nobody will accept it: the listener closed, or its accept queue was full. Linux resets
 * such connections (their clients' next call fails with ECONNRESET); a connection that cannot send
 * a reset (TLS, AF_UNIX: stream-handle.ts canReset) is closed.
 */
import net from 'node:net';
import { errorCode } from './errors.js';
import type { Accepted } from './socket-core.js';
import { canReset } from './stream-handle.js';
import type { Family } from './types.js';

/** Closes the connection; reset: with an RST where the connection can send one. True when it did. */
export function discard(accepted: Accepted, reset: boolean, family: Family): boolean {
  const raw = accepted.raw;
  if (!(raw instanceof net.Socket)) {
    raw.calls.close(raw.fd, reset ? 1 : 0);
    return reset;
  }
  if (reset && canReset(raw, family)) {
    raw.resetAndDestroy();
    return true;
  }
  raw.destroy();
  return false;
}

/**
 * A waiting connection's 'error' listener: without one Node would throw the error. One function for
 * every connection, not a closure each (it stays on the socket while the connection lives); the error
 * stays on the socket (errored) for accept to read (failedWhileQueued; issue 16's memory per held connection).
 */
export function whileQueued(): void {}

/** What accept takes: a connection that failed while it waited carries the error Node kept (the first), which whileQueued let pass. */
export function failedWhileQueued(accepted: Accepted): Accepted {
  const raw = accepted.raw;
  if (raw instanceof net.Socket && raw.errored !== null) accepted.failCode ??= errorCode(raw.errored);
  return accepted;
}
