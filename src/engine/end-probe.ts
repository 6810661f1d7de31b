/**
 * How a TCP connection that Node says has ended really ended: the peer's FIN, or a reset.
 *
 * Node's 'end' is not proof of a FIN. When a read returns less than it asked for and the kernel also
 * signals POLLHUP, libuv reports end of stream without making the read that would have returned
 * ECONNRESET. So a peer that sends data and then resets (SO_LINGER 0, or closing with unread data)
 * while the shell is not reading (before accept, or paused at a full queue) looked like an orderly
 * close, where Python's recv raises ConnectionResetError after the data.
 *
 * The kernel still holds the answer: a reset leaves the socket's pending error (SO_ERROR) set to
 * ECONNRESET, a FIN leaves none. Node offers no getsockopt, but a write(2) of zero bytes on the socket
 * returns that pending error and sends nothing (Linux's tcp_sendmsg and BSD's sosend check it before
 * looking at the data), so it is asked that way, synchronously, on the descriptor. Its answers:
 *   - ECONNRESET: a reset before any FIN. The error is consumed, as a read would have consumed it.
 *   - 0: a FIN; the connection is in CLOSE_WAIT and nothing was sent.
 *   - EPIPE: no pending error and no more sending (we had shut down our side, or a reset came after
 *     the FIN, which Python's recv does not report either: it returns b'' once the FIN is in). A FIN.
 * Node's own write() cannot ask: it refuses once we called shutdown('wr'), and queues behind data
 * still waiting to be sent. When the descriptor cannot be had (no `_handle.fd`, as on Windows), the
 * answer is 'unknown', and the shell says it cannot tell rather than claiming a FIN.
 */
import { writeSync } from 'node:fs';
import { errorCode } from './errors.js';

export type EndCause = 'fin' | 'reset' | 'unknown';

const NOTHING = Buffer.alloc(0);

/**
 * Asks the kernel how the connection on descriptor fd ended; call it on Node's 'end'. fd: the OS
 * descriptor (a Node socket's or a bare one's: ConnEnd.osFd), -1 when there is none.
 */
export function howItEnded(fd: number): EndCause {
  const answer = pendingError(fd);
  if (answer === 'ECONNRESET') return 'reset';
  return answer === '' || answer === 'EPIPE' ? 'fin' : 'unknown';
}

/**
 * The zero-byte write: '' when it succeeds (no pending error, writing still allowed), else the error's
 * code; null when the descriptor cannot be had.
 */
function pendingError(fd: number): string | null {
  if (fd < 0) return null;
  try {
    writeSync(fd, NOTHING);
    return '';
  } catch (err) {
    return errorCode(err);
  }
}

/**
 * After the peer's FIN (CLOSE_WAIT, our side still open for writing): has a reset arrived since? A
 * peer that closed for good answers the next data we send with an RST, and Linux then holds EPIPE as
 * the socket's pending error (and ECONNRESET in other states); Node, no longer reading, is not told.
 * The same zero-byte write asks: an error means the reset is in (the pending error is consumed, as the
 * send that would have met it consumes it), 0 means the connection is still half open. Call it only
 * while we have not shut down writing ourselves: then EPIPE would be our own doing. 'unknown' when
 * the descriptor cannot be had.
 */
export function resetAfterEnd(fd: number): 'reset' | 'open' | 'unknown' {
  const answer = pendingError(fd);
  if (answer === '') return 'open';
  return answer === 'EPIPE' || answer === 'ECONNRESET' ? 'reset' : 'unknown';
}

/**
 * After our own shutdown(SHUT_RD) in the kernel and our FIN: has the kernel reset the connection since?
 * Linux answers data that arrives then with an RST and leaves ECONNRESET as the socket's pending
 * error, which Python's next recv raises. The zero-byte write takes it (as that recv would); with none
 * pending it fails with EPIPE, as writing is shut down. True when the reset is in.
 */
export function resetAfterShutRd(fd: number): boolean {
  return pendingError(fd) === 'ECONNRESET';
}
