/**
 * The native fast path of sendfile and recvfile (issue 16). sendfile hands the file to the kernel with
 * sendfile(2), and recvfile moves the connection's bytes into the file with splice(2): no byte passes
 * through the process, no Node stream, no buffer per chunk. Each step waits in the addon (native.ts) only while nothing else needs the event loop; when
 * something does, the step returns what it moved and file-transfer.ts moves the next chunk on the event
 * loop, so timeouts, Ctrl-C and close keep the event loop's semantics.
 *
 * Taken only when Node holds nothing of the connection's in either direction (its write buffer empty,
 * its read buffer and the connection's queue empty), so bytes keep their order whichever path moves
 * them.
 */
import type { BaseSocket } from './base.js';
import { EAGAIN, READY, SLICE_MS, SPLICE_OUT_BYTES, type Blocking, type NativeCalls } from './native.js';
import type { SpliceStep } from './stream-addon-reads.js';
import type { Stream } from './tcp-stream.js';

/** The most one sendfile step moves before the transfer reports progress and counts its timeout afresh. */
const SEND_STEP = 16 * 1024 * 1024;
/**
 * The most one recvfile step moves (in as many splices as it takes) before the transfer counts it, tells
 * it as one arrival and counts its timeout afresh.
 */
const RECEIVE_STEP = 16 * 1024 * 1024;

/**
 * The connection's own errors: raised as a send's would be. Any other error is the file's (EINVAL: it
 * cannot be sent so, not being a regular file; EIO...): the event loop's path reads it instead, and
 * tells a read error as the file's.
 */
export const CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'EPIPE',
  'ECONNRESET',
  'ENOTCONN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/** The fast path when the engine has it and may block now; else null. */
export function blockingNow(owner: BaseSocket): Blocking | null {
  const blocking = owner.core.blocking;
  return blocking !== null && blocking.allowed() ? blocking : null;
}

/** What a sendfile step did: bytes sent; ended: the file's end was reached; off: this file cannot take the fast path. */
export interface SendStep {
  readonly sent: number;
  readonly ended: boolean;
  readonly off: boolean;
}

/**
 * Sends the file from offset with sendfile(2), waiting in the addon for room, until the file ends,
 * SEND_STEP bytes went, or the wait must go on on the event loop. The caller has checked that Node
 * holds nothing to write and that the connection may write. Throws the connection's error (EPIPE...).
 */
export function sendFileStep(calls: NativeCalls, conn: Stream, fileFd: number, offset: number, call: string): SendStep {
  const fd = conn.fd();
  if (fd < 0) return { sent: 0, ended: false, off: true };
  let sent = 0;
  while (sent < SEND_STEP) {
    const n = calls.sendfile(fd, fileFd, offset + sent, SEND_STEP - sent);
    if (n > 0) {
      sent += n;
      continue;
    }
    if (n === 0) return { sent, ended: true, off: false };
    if (n !== EAGAIN) {
      const code = calls.errname(n);
      if (CONNECTION_ERRORS.has(code)) conn.refused(code, call);
      return { sent, ended: false, off: true };
    }
    if (calls.wait(fd, 1, SLICE_MS) !== READY) break;
  }
  return { sent, ended: false, off: false };
}

/** recvfile's preview of each call's first bytes, as the views show an arrival, and what stopped the call (NativeCalls.splicefile). */
const spliceOut = Buffer.alloc(SPLICE_OUT_BYTES);

/**
 * Whether a file (its fstat) can take spliced bytes: a regular file, or /dev/null. Anything else (a
 * pipe, a terminal) is written by the event loop's path.
 */
export function canSplice(info: { isFile(): boolean; isCharacterDevice(): boolean; readonly rdev: number }): boolean {
  return info.isFile() || (info.isCharacterDevice() && info.rdev === DEV_NULL);
}
/** Linux's device number of /dev/null (major 1, minor 3). */
const DEV_NULL = (1 << 8) | 3;

/**
 * Moves what the connection has (waiting in the addon for it) into the file, at most max bytes: the
 * count, the file's error, 'turn' or null (Stream.spliceInAddon).
 */
export function receiveFileStep(calls: NativeCalls, conn: Stream, fileFd: number, path: string, max: number): SpliceStep {
  return conn.spliceInAddon(calls, fileFd, path, Math.min(max, RECEIVE_STEP), spliceOut);
}
