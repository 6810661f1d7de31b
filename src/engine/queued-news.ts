/**
 * What came for a connection while it waited in the accept queue: bytes, the peer's FIN, a reset.
 * Nothing of the shell reads a queued connection (its bytes stay in the kernel, as Python's do), so
 * when accept hands it over the shell knows none of it yet; Node's first read, a turn of the event
 * loop later, would tell it. Until then `sockets`, the diagram and explain would say ESTABLISHED with
 * nothing queued where the kernel has CLOSE-WAIT with bytes, or has dropped a reset connection
 * altogether (ss lists nothing; getpeername fails with ENOTCONN). So accept asks the kernel at once
 * (Stream.settleQueued) and tells what it finds, in the order the kernel has it: the bytes, then the
 * FIN or the reset, as Python's recv calls would meet them.
 *
 * With the addon the kernel is asked without taking anything (poll: one system call), and read only
 * when something is there. Without it the only synchronous question Node can ask is a read, which
 * throws when nothing came (EAGAIN); that costs some 9 µs, paid only by connections that waited.
 */
import { readSync } from 'node:fs';
import { errorCode } from './errors.js';
import { EAGAIN, nativeError, type NativeCalls } from './native.js';

/** poll(2)'s revents bits, as Linux numbers them (the addon is Linux's). */
const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLRDHUP = 0x2000;

/**
 * What the kernel holds for fd: nothing, bytes alone, the peer's FIN (maybe after bytes), another end
 * (a reset or an error, or both directions shut: maybe after bytes), or unknown (no addon to ask).
 */
export type QueuedNews = 'none' | 'bytes' | 'fin' | 'ended' | 'unknown';

export function queuedNews(calls: NativeCalls | null, fd: number): QueuedNews {
  if (calls === null) return 'unknown';
  const revents = calls.revents(fd);
  if (revents < 0) return 'unknown';
  // A reset sets POLLERR (the socket's error) and POLLHUP (closed); the peer's FIN alone sets only POLLRDHUP.
  if ((revents & (POLLERR | POLLHUP)) !== 0) return 'ended';
  if ((revents & POLLRDHUP) !== 0) return 'fin';
  return (revents & POLLIN) !== 0 ? 'bytes' : 'none';
}

/** One read at hand-over: bytes, the end of the stream (0), the connection's error, or nothing more now. */
export type QueuedRead =
  | { readonly kind: 'data'; readonly data: Buffer; readonly more: boolean }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'none' };

const buffer = Buffer.alloc(65536);

/**
 * Reads fd once, without waiting. ended: the kernel said the stream has ended (queuedNews), so the
 * addon's read that finds no bytes (it says EAGAIN for the end too) means the end. more: the read
 * filled the buffer, so the kernel may hold more.
 */
export function readQueued(calls: NativeCalls | null, fd: number, ended: boolean): QueuedRead {
  let n: number;
  if (calls !== null) {
    n = calls.recvwait(fd, buffer, buffer.length, -1, 0);
    if (n === EAGAIN) return ended ? { kind: 'end' } : { kind: 'none' };
    if (n < 0) return { kind: 'error', error: nativeError(calls, n, 'read') };
  } else {
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = errorCode(err);
      return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? { kind: 'none' } : { kind: 'error', error: err as Error };
    }
    if (n === 0) return { kind: 'end' };
  }
  return { kind: 'data', data: Buffer.from(buffer.subarray(0, n)), more: n === buffer.length };
}
