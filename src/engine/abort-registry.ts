/**
 * The calls waiting now with each abort signal, and the one abort listener a signal gets, the first
 * time a call waits with it. A script's calls share one signal: a listener per socket (added on its
 * first wait, removed when it closed) cost every served connection an addEventListener and a
 * removeEventListener, and every held connection that had waited kept a listener on the signal
 * (issue 16).
 */

/** What a signal's listener tells when it fires: the waiting call fails with EINTR. */
export interface Abortable {
  aborted(): void;
}

const WAITING = new WeakMap<AbortSignal, Set<Abortable>>();

/**
 * The set of calls waiting with signal, which the caller adds itself to while it waits and deletes
 * itself from when the wait ends. The set outlives no signal (a WeakMap).
 */
export function waitingWith(signal: AbortSignal): Set<Abortable> {
  let waiting = WAITING.get(signal);
  if (waiting === undefined) {
    const calls = new Set<Abortable>();
    WAITING.set(signal, (waiting = calls));
    // A copy: failing a call ends it, which takes it out of the set.
    signal.addEventListener('abort', () => [...calls].forEach((w) => w.aborted()), { once: true });
  }
  return waiting;
}
