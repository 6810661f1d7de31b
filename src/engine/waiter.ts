/**
 * The "at most one pending blocking call" slot of a socket, as an explicit state machine:
 *
 *   idle --begin(call)--> waiting --sleep()/wake()--> waiting ... --end()--> idle
 *                             \--timeout / abort / fail(err)--> the current or next sleep() rejects
 *   idle --until(call, attempt)--> waiting --wake(): attempt() yields--> idle, the promise resolved
 *                                      \--timeout / abort / fail(err) / attempt() throws--> idle, rejected
 *
 * A blocking call checks its condition (data queued, connection done...) synchronously, and only if it
 * is not met waits until the socket wakes it; then it checks again. So a timeout or a cancel can never
 * consume or lose queued data: the data stays in the socket's queue, and the slot only carries the wait.
 *
 * until() is the one-step wait of recv, recvfrom, accept and send: wake() runs its check in the socket's
 * own event callback and settles the call's promise there, so a wait costs one promise and no extra
 * turn of the microtask queue. begin/sleep/end is the many-step wait of connect and the file transfers.
 */
import { SocketError } from './errors.js';
import { hold as holdProcess, release as releaseProcess } from './keepalive.js';
import { type Abortable, waitingWith } from './abort-registry.js';
import { WaitTimer } from './wait-timer.js';
import type { Completion } from '../core/completion.js';
import type { BlockOptions } from './types.js';

export class Waiter implements Abortable {
  /** The pending call ('recv', 'accept', ...), or null when the slot is idle. */
  call: string | null = null;
  private socket = '';
  private seconds = 0;
  private failure: SocketError | null = null;
  /** Resumes the sleep() of a many-step wait. */
  private resumeSleep: (() => void) | null = null;
  /** Ends the waiting call with an error: that sleep(), or the promise of until(). */
  private rejectWait: ((err: unknown) => void) | null = null;
  /** until(): checks the condition and, when it holds, resolves the call's promise. */
  private check: (() => boolean) | null = null;
  /** wake() is running check now; again: a wake came meanwhile, so check runs once more. */
  private checking = false;
  private again = false;
  /** When the current wait times out, in performance.now() milliseconds; Infinity when it does not. */
  private deadline = Infinity;
  /** The slot's timer (wait-timer.ts), made on the first wait with a timeout: a held connection has none. */
  private timer: WaitTimer | null = null;
  /** The last signal a call waited with (a script's calls share one), and the calls waiting with it now, whose one listener fails them on abort (abort-registry.ts). */
  private signal: AbortSignal | null = null;
  private abortables: Set<Abortable> | null = null;
  /** This slot's call holds the process alive (see keepalive.ts); released when the slot goes idle. */
  private holding = false;

  /**
   * Claims the slot for call. The wait lasts timeoutSeconds (null = forever) or options.maxWaitMs,
   * whichever is shorter. The caller has checked that the slot is idle.
   */
  begin(call: string, socket: string, timeoutSeconds: number | null, options: BlockOptions): void {
    this.claim(call, socket, timeoutSeconds, options);
    this.hold();
  }

  /** begin() but the process is not held: now() holds it only when the call goes on to wait on the loop. */
  private claim(call: string, socket: string, timeoutSeconds: number | null, options: BlockOptions): void {
    const signal = options.signal;
    if (signal?.aborted === true) throw new SocketError('EINTR', call, { socket });
    this.call = call;
    this.socket = socket;
    this.failure = null;
    let ms = timeoutSeconds === null ? Infinity : timeoutSeconds * 1000;
    if (options.maxWaitMs !== undefined && options.maxWaitMs < ms) ms = Math.max(0, options.maxWaitMs);
    if (ms !== Infinity) {
      this.seconds = ms / 1000;
      this.deadline = performance.now() + ms;
      (this.timer ??= new WaitTimer(() => this.timedOut())).arm(ms);
    }
    if (signal !== undefined) {
      if (signal !== this.signal) {
        this.abortables?.delete(this);
        this.signal = signal;
        this.abortables = waitingWith(signal);
      }
      this.abortables!.add(this);
    }
  }

  /**
   * The call made progress (a chunk of a file transfer went through): its timeout counts afresh from
   * now, as each of Python's send and recv calls has the whole timeout.
   */
  refresh(): void {
    if (this.deadline !== Infinity) this.deadline = performance.now() + this.seconds * 1000;
  }

  /**
   * Claims the slot until attempt() yields a value, which the promise resolves with. attempt runs on
   * every wake() and may throw, which rejects. The caller has tried attempt() once already, and checked
   * that the slot is idle.
   */
  until<T>(
    call: string,
    socket: string,
    timeoutSeconds: number | null,
    options: BlockOptions,
    attempt: () => T | null | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.begin(call, socket, timeoutSeconds, options);
      this.settleBy(attempt, resolve, reject);
    });
  }

  /**
   * until(), but first waits here: waitHere (the addon's wait, which reads what arrives and wakes this
   * slot as the event loop's callbacks do) runs before this returns. The value itself when attempt()
   * yielded it meanwhile; else the promise until() gives, the slot still claimed and its timer running.
   * An error in the meantime comes as a rejected promise, as until()'s. The caller has tried attempt()
   * once already, and checked that the slot is idle.
   */
  now<T>(
    call: string,
    socket: string,
    timeoutSeconds: number | null,
    options: BlockOptions,
    attempt: () => T | null | undefined,
    waitHere: () => void,
  ): Completion<T> {
    // Not held while the addon waits here: the process cannot end during a call that has not
    // returned. Held from when the call goes on to wait on the event loop (a ref and an unref of the
    // keepalive's timer per call were 1% of a UDP server's user time).
    try {
      this.claim(call, socket, timeoutSeconds, options);
    } catch (err) {
      return Promise.reject(err);
    }
    let got: T | null | undefined = null;
    let failed: { err: unknown } | null = null;
    this.rejectWait = (err) => (failed = { err });
    this.check = () => {
      got = attempt();
      return got !== null && got !== undefined;
    };
    try {
      waitHere();
    } catch (err) {
      // The wait itself failed (not the call): the slot is left idle, as a failed call leaves it.
      if (got !== null && got !== undefined) return got;
      if (failed === null) this.end();
      return Promise.reject(err);
    }
    if (got !== null && got !== undefined) return got;
    if (failed !== null) return Promise.reject((failed as { err: unknown }).err);
    this.hold();
    return new Promise<T>((resolve, reject) => this.settleBy(attempt, resolve, reject));
  }

  /** The claimed slot's call settles by attempt: resolved with what it yields on a wake, or rejected. */
  private settleBy<T>(attempt: () => T | null | undefined, resolve: (value: T) => void, reject: (err: unknown) => void): void {
    this.rejectWait = reject;
    this.check = () => {
      const got = attempt();
      if (got === null || got === undefined) return false;
      resolve(got);
      return true;
    };
  }

  /** A call is waiting for the socket to wake it: what arrives now goes to it. */
  get waiting(): boolean {
    return this.check !== null || this.resumeSleep !== null;
  }

  /** Resolves when the socket calls wake(); rejects on timeout, cancel or fail(). */
  sleep(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.resumeSleep = resolve;
      this.rejectWait = reject;
    });
  }

  /**
   * Wakes a waiting call to re-check its condition: an until() call checks it now, and settles if it
   * holds; a sleeping one re-checks when its await resumes. True if a call was waiting.
   */
  wake(): boolean {
    const check = this.check;
    if (check !== null) {
      // A wake from inside the check (a write whose callback Node runs at once, on an error) only asks
      // for another look: the check running now settles the call, once. Run nested, it settled the call
      // and the outer one then settled it again (a TLS sendall after the peer closed crashed so).
      if (this.checking) {
        this.again = true;
        return true;
      }
      this.checking = true;
      let done: boolean;
      try {
        // Not once the call has ended meanwhile (fail() from inside the check): a look may take data.
        do {
          this.again = false;
          done = check();
        } while (!done && this.again && this.check === check);
      } catch (err) {
        this.checking = false;
        this.settleFailed(err);
        return true;
      }
      this.checking = false;
      if (done) this.end();
      return true;
    }
    const resolve = this.resumeSleep;
    if (resolve === null) return false;
    this.resumeSleep = null;
    this.rejectWait = null;
    resolve();
    return true;
  }

  /** Throws the failure (timeout, cancel, fail()) that came while the call was not sleeping, if one did. */
  throwFailure(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** Makes the pending call fail with err (the socket was closed, ...). No-op when idle. */
  fail(err: SocketError): void {
    if (this.call === null || this.failure !== null) return;
    if (this.check !== null) {
      this.settleFailed(err);
      return;
    }
    this.failure = err;
    const reject = this.rejectWait;
    if (reject === null) return;
    this.resumeSleep = null;
    this.rejectWait = null;
    reject(err);
  }

  /** Releases the slot; always called in a finally by the call that began. The timer stays for the next wait. */
  end(): void {
    this.unhold();
    this.abortables?.delete(this);
    this.call = null;
    this.deadline = Infinity;
    this.failure = null;
    this.resumeSleep = null;
    this.rejectWait = null;
    this.check = null;
  }

  /** Ends an until() call with err. */
  private settleFailed(err: unknown): void {
    const reject = this.rejectWait!;
    this.end();
    reject(err);
  }

  /** The socket is closed: no wait will come again, so release the timer. */
  dispose(): void {
    this.unhold();
    this.timer?.clear();
    this.abortables?.delete(this);
    this.abortables = null;
    this.signal = null;
  }

  /** The call's signal was aborted (Ctrl-C): it fails with EINTR. */
  aborted(): void {
    if (this.call !== null) this.fail(new SocketError('EINTR', this.call, { socket: this.socket }));
  }

  private hold(): void {
    if (this.holding) return;
    this.holding = true;
    holdProcess();
  }

  private unhold(): void {
    if (!this.holding) return;
    this.holding = false;
    releaseProcess();
  }

  /** The timer went off: the wait fails with ETIMEDOUT if its deadline has passed, else the timer re-arms. */
  private timedOut(): void {
    if (this.call === null || this.deadline === Infinity) return; // the wait it was armed for has ended
    const left = this.deadline - performance.now();
    if (left > 0) {
      this.timer!.arm(left);
      return;
    }
    this.fail(new SocketError('ETIMEDOUT', this.call, { socket: this.socket, seconds: this.seconds }));
  }
}
