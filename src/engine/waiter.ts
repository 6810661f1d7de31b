/**
 * The "at most one pending blocking call" slot of a socket, as an explicit state machine:
 *
 *   idle --begin(call)--> waiting --sleep()/wake()--> waiting ... --end()--> idle
 *                             \--timeout / abort / fail(err)--> the current or next sleep() rejects
 *
 * A blocking call checks its condition (data queued, connection done...) synchronously, and only if it
 * is not met sleeps until the socket wakes it; then it checks again. So a timeout or a cancel can never
 * consume or lose queued data: the data stays in the socket's queue, and the slot only carries the wait.
 */
import { SocketError } from './errors.js';
import type { BlockOptions } from './types.js';

export class Waiter {
  /** The pending call ('recv', 'accept', ...), or null when the slot is idle. */
  call: string | null = null;
  private socket = '';
  private seconds = 0;
  private failure: SocketError | null = null;
  private resolveSleep: (() => void) | null = null;
  private rejectSleep: ((err: SocketError) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private signal: AbortSignal | null = null;

  /**
   * Claims the slot for call. The wait lasts timeoutSeconds (null = forever) or options.maxWaitMs,
   * whichever is shorter. The caller has checked that the slot is idle.
   */
  begin(call: string, socket: string, timeoutSeconds: number | null, options: BlockOptions): void {
    const signal = options.signal;
    if (signal?.aborted === true) throw new SocketError('EINTR', call, { socket });
    this.call = call;
    this.socket = socket;
    this.failure = null;
    let ms = timeoutSeconds === null ? Infinity : timeoutSeconds * 1000;
    if (options.maxWaitMs !== undefined && options.maxWaitMs < ms) ms = Math.max(0, options.maxWaitMs);
    if (ms !== Infinity) {
      this.seconds = ms / 1000;
      this.timer = setTimeout(this.onTimeout, ms);
    }
    if (signal !== undefined) {
      this.signal = signal;
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Resolves when the socket calls wake(); rejects on timeout, cancel or fail(). */
  sleep(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.resolveSleep = resolve;
      this.rejectSleep = reject;
    });
  }

  /** Wakes a sleeping call to re-check its condition. True if one was sleeping (it will take what came). */
  wake(): boolean {
    const resolve = this.resolveSleep;
    if (resolve === null) return false;
    this.resolveSleep = null;
    this.rejectSleep = null;
    resolve();
    return true;
  }

  /** Makes the pending call fail with err (the socket was closed, ...). No-op when idle. */
  fail(err: SocketError): void {
    if (this.call === null || this.failure !== null) return;
    this.failure = err;
    const reject = this.rejectSleep;
    if (reject === null) return;
    this.resolveSleep = null;
    this.rejectSleep = null;
    reject(err);
  }

  /** Releases the slot; always called in a finally by the call that began. */
  end(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.signal !== null) {
      this.signal.removeEventListener('abort', this.onAbort);
      this.signal = null;
    }
    this.call = null;
    this.failure = null;
    this.resolveSleep = null;
    this.rejectSleep = null;
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    const call = this.call ?? 'call';
    this.fail(new SocketError('ETIMEDOUT', call, { socket: this.socket, seconds: this.seconds }));
  };

  private readonly onAbort = (): void => {
    this.signal = null;
    const call = this.call ?? 'call';
    this.fail(new SocketError('EINTR', call, { socket: this.socket }));
  };
}
