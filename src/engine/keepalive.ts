/**
 * Keeps the process alive while a call waits. A pending promise holds nothing in Node's event loop:
 * a recvfrom on a UDP socket that was never bound (so has no descriptor yet) waits on nothing the
 * loop can see, the loop empties and Node exits 0 with the call abandoned halfway through a script.
 * Python's recvfrom waits there forever; so must ours, until the call completes, times out or is
 * cancelled.
 *
 * One timer for the whole process, ref'd while at least one call holds it and unref'd otherwise. Its
 * callback never runs in practice (the delay is the largest Node accepts, about 24.8 days, and it
 * repeats); only its ref matters. A counter rather than a timer per wait: a server loop waits once per
 * datagram, and ref/unref of one timer costs far less than arming and clearing one.
 */

/** The largest delay Node's timers take; above it they fire after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2_147_483_647;

let holders = 0;
let timer: NodeJS.Timeout | null = null;

/** One more call waits: the process stays alive until the matching release(). */
export function hold(): void {
  if (holders++ > 0) return;
  timer ??= setInterval(() => undefined, MAX_TIMER_MS);
  timer.ref();
}

/** A call that held stopped waiting (it completed, timed out, failed or was cancelled). */
export function release(): void {
  if (holders === 0) return; // a bug elsewhere must not make the count negative and keep the process forever
  if (--holders > 0) return;
  timer?.unref();
}

/** How many calls hold the process now (for tests). */
export function waitingCalls(): number {
  return holders;
}

/** True while the keepalive holds the event loop open (for tests). */
export function holdingLoop(): boolean {
  return timer?.hasRef() ?? false;
}
