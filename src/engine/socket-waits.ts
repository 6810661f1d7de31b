/**
 * How a socket's calls wait: the two slots (at most one pending call each), the socket's timeout, the
 * checks every blocking call makes first, and the one place that decides where a receive waits (on the
 * event loop, or in the native addon too). The second layer of a socket (base.ts).
 */
import type { Completion } from '../core/completion.js';
import { isHere } from './call-options.js';
import { loopTurn } from './loop-turn.js';
import { SocketError } from './errors.js';
import { SocketIdentity } from './socket-identity.js';
import type { BlockOptions } from './types.js';
import { Waiter } from './waiter.js';

export abstract class SocketWaits extends SocketIdentity {
  /** Seconds; null blocks forever, 0 never blocks. */
  timeout: number | null = null;
  /** The slot for calls that wait for something to arrive: recv, recvfrom, accept, connect. */
  readonly reader = new Waiter();
  /** The slot for calls that wait for room to send: send, sendall. */
  readonly writer = new Waiter();

  /**
   * Throws EBADF if closed (checked again after every await), EBUSY if slot already has a call.
   * Public, as checkOpen is, for the file transfers (transfer-slot.ts), which hold a slot for a whole transfer.
   */
  checkSlot(slot: Waiter, call: string): void {
    this.checkOpen(call);
    if (slot.call !== null) throw new SocketError('EBUSY', call, { socket: this.name, pending: slot.call });
  }

  /** Throws EBADF once the socket is closed: every await of a call may have let close() run, and the call ends as a pending recv does. */
  checkOpen(call: string): void {
    if (this.closed) throw new SocketError('EBADF', call, { socket: this.name });
  }

  /** Throws EINTR when the command was already cancelled, so nothing is consumed for it. */
  protected checkSignal(options: BlockOptions, call: string): void {
    if (options.signal?.aborted === true) throw new SocketError('EINTR', call, { socket: this.name });
  }

  protected checkBufsize(bufsize: number, call: string): void {
    if (!Number.isInteger(bufsize) || bufsize < 0) {
      throw new SocketError('EINVAL_BUFSIZE', call, { socket: this.name, value: String(bufsize) });
    }
  }

  /** Reads and tells what the kernel holds for the socket (BaseSocket.settle); true when only a turn of the event loop can. */
  abstract settle(closing?: boolean): boolean;

  /** A non-blocking call's second look, after settle: what attempt yields, else EAGAIN. */
  private nonBlocking<T>(call: string, attempt: () => T | null): T {
    this.checkOpen(call);
    const got = attempt();
    if (got === null) throw this.wouldBlock(call);
    return got;
  }

  /** EAGAIN for a call that would have to wait on a non-blocking socket. */
  protected wouldBlock(call: string): SocketError {
    return new SocketError('EAGAIN', call, { socket: this.name });
  }

  /**
   * recv and recvfrom: what attempt yields now, else a wait for it (EAGAIN on a non-blocking socket),
   * in the addon too when inAddon is given (waitWithAddon). attempt throws for a socket that cannot
   * receive. Not async: see waitFor.
   */
  protected receiveWith<T>(
    call: string,
    bufsize: number,
    options: BlockOptions,
    attempt: () => T | null,
    inAddon: (() => void) | null,
  ): Completion<T> {
    let got: T | null;
    try {
      this.checkSlot(this.reader, call);
      this.checkBufsize(bufsize, call);
      this.checkSignal(options, call);
      got = attempt();
      if (got === null && this.timeout === 0) {
        // Python's non-blocking call returns what the kernel holds, read or not: read it first.
        if (this.settle()) return loopTurn().then(() => this.nonBlocking(call, attempt));
        got = this.nonBlocking(call, attempt);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (got !== null) return isHere(options) ? got : Promise.resolve(got);
    if (inAddon === null) return this.waitFor(this.reader, call, options, attempt);
    return this.waitWithAddon(this.reader, call, options, attempt, inAddon);
  }

  /**
   * waitFor, with the native addon's wait too (inAddon: one slice at most, and only while nothing else
   * needs the event loop; it wakes the slot as the loop's callbacks do). For a caller that waits for
   * nothing else (HereOptions), before this returns, so the value itself comes back when it came in
   * time; for any other, a microtask later, so that what the caller does right after making the call
   * (a test's send whose reply it waits for) runs before the thread blocks.
   */
  protected waitWithAddon<T>(
    slot: Waiter,
    call: string,
    options: BlockOptions,
    attempt: () => T | null | undefined,
    inAddon: () => void,
  ): Completion<T> {
    if (this.core.blocking === null) return this.waitFor(slot, call, options, attempt);
    if (isHere(options)) return slot.now(call, this.name, this.timeout, options, attempt, inAddon);
    const got = this.waitFor(slot, call, options, attempt);
    if (slot.waiting) queueMicrotask(inAddon);
    return got;
  }

  /**
   * The shape of every blocking call: wait in `slot` until `attempt` yields a value. The socket's
   * timeout and the call's signal end the wait through the waiter; closing the socket ends it with EBADF.
   * Not async, as no caller on the hot path is: an async function returning this promise would add a
   * promise and two microtask turns to every call.
   */
  protected waitFor<T>(slot: Waiter, call: string, options: BlockOptions, attempt: () => T | null | undefined): Promise<T> {
    return slot.until(call, this.name, this.timeout, options, attempt);
  }
}
