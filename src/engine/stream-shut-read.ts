/**
 * Reading shut down on one TCP connection (shutdown rd or rdwr), as Linux does it for Python's
 * shutdown(SHUT_RD/SHUT_RDWR). The kernel does not discard: recv still returns what it holds, then b''
 * (never waiting). Data that arrives after this side's FIN too is answered with a reset (RST), and
 * the next recv raises ECONNRESET. Node's end() shuts down writing only, so with the addon reading is
 * shut down in the kernel itself (shutreading) and recv reads the kernel; without it the shell keeps
 * what Node reads in its queue, and resets the connection itself where the kernel would have, saying so.
 */
import { resetAfterShutRd } from './end-probe.js';
import { EAGAIN } from './native.js';
import { canReset, readingHandle } from './stream-handle.js';
import { StreamState } from './stream-state.js';

export abstract class ShutReading extends StreamState {
  /**
   * shutdown(SHUT_RD) on the descriptor (the addon's; Node has only SHUT_WR): the kernel, not the shell,
   * then answers data that comes after our FIN. False where it cannot be made (no addon, TLS, AF_UNIX,
   * whose reads the shell keeps as they were).
   */
  protected shutReadingInKernel(): boolean {
    const calls = this.owner.core.addon.calls;
    const fd = this.owner.family === 'unix' ? -1 : this.end.fd();
    const handle = calls === null || fd < 0 ? null : readingHandle(this.raw);
    if (calls === null || handle === null) return false;
    // Node reads no more first: else it reads the end of the stream SHUT_RD makes, and once our FIN has
    // gone too it closes the descriptor (autoDestroy), so the socket could not hear its kernel's reset.
    // Marked as reading, so that Node's stream does not start it again (as unix-reads.ts holds).
    handle.readStop();
    handle.reading = true;
    this.readShutInKernel = calls.shutreading(fd) === 0;
    return this.readShutInKernel;
  }

  /**
   * Up to max bytes the kernel holds after its SHUT_RD, read now without waiting: null at the end (the
   * kernel's recv returns 0 then) or when reading was not shut down in the kernel. A reset it reports
   * is stored as the connection's failure (our kernel's own after our FIN: ECONNRESET_SHUT_RD).
   */
  protected readShutKernel(max: number): Buffer | null {
    const calls = this.owner.core.addon.calls;
    const fd = this.end.fd();
    if (!this.readShutInKernel || calls === null || fd < 0 || this.gone || this.owner.closed) return null;
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(max, 65536)));
    const n = calls.recvwait(fd, buffer, buffer.length, 0, 0);
    if (n > 0) return buffer.subarray(0, n);
    if (n < 0 && n !== EAGAIN) {
      const code = calls.errname(n);
      this.gone = true;
      this.fail(code === 'ECONNRESET' && this.shutWr ? 'ECONNRESET_SHUT_RD' : code, true);
    }
    return null;
  }

  /** The bytes the kernel holds after its SHUT_RD (SIOCINQ): nobody read them, and close resets for them. */
  protected shutKernelUnread(): number {
    const calls = this.owner.core.addon.calls;
    const fd = this.readShutInKernel && calls !== null && !this.end.destroyed ? this.end.fd() : -1;
    return fd < 0 || calls === null ? 0 : Math.max(0, calls.unread(fd));
  }

  /**
   * Reading was shut down in the kernel and our FIN has gone: has the kernel reset the connection since,
   * as Linux does when data arrives then? Said the first time, as a reset of our own kernel's
   * (ECONNRESET_SHUT_RD), never as the peer's FIN or reset. taken: a call is about to report it.
   */
  protected lookForOwnReset(taken: boolean): boolean {
    if (!this.readShutInKernel || !this.shutWr || this.gone || this.failCode !== null || this.failReported) return false;
    if (this.owner.closed || this.end.destroyed || !resetAfterShutRd(this.end.osFd())) return false;
    this.gone = true;
    this.fail('ECONNRESET_SHUT_RD', taken);
    return true;
  }

  /**
   * Bytes came after shutdown rd and our FIN, on a connection whose reading the kernel could not shut
   * down (no addon): Linux would have answered them with a reset, so the shell resets the connection
   * now (the kernel had acknowledged them), and says that it did so. True when it did.
   */
  protected dataAfterShutRd(): boolean {
    if (this.readShutInKernel || !this.shutWr || this.owner.family === 'unix' || this.owner.closed) return false;
    if (this.gone || this.failCode !== null || this.failReported || !canReset(this.raw, this.owner.family)) return false;
    this.gone = true;
    this.raw.resetAndDestroy();
    this.fail('ECONNRESET_SHUT_RD_SHELL');
    return true;
  }
}
