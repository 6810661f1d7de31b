import { Cancelled } from './errors.js';

/**
 * A promise that rejects with Cancelled(what) when the signal aborts first (Ctrl-C, a killed job).
 * The listener is removed either way, so long sessions do not collect them.
 */
export function cancellable<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new Cancelled(what));
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new Cancelled(what));
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
