/**
 * Waiting on conditions, never on the clock. A test polls for what it needs (a line printed, a port
 * bound, an engine state) and returns the moment it holds; the limit only turns a hang into a
 * failure. It is generous on purpose: a loaded 2-core machine runs a test ten times slower than an
 * idle one, and a condition that holds costs nothing extra however high the limit is.
 */
export const HANG_MS = Number(process.env.SOCKSHELL_TEST_HANG_MS ?? 30_000);

/** Resolves once `cond()` is true (checked every `everyMs`); rejects with `what` after `limitMs`. */
export function waitFor(cond: () => boolean, what: string | (() => string), limitMs = HANG_MS, everyMs = 5): Promise<void> {
  return waitForAsync(() => Promise.resolve(cond()), what, limitMs, everyMs);
}

/** As waitFor, for a condition that must be asked asynchronously (a process listing, a connect attempt). */
export async function waitForAsync(
  cond: () => Promise<boolean>,
  what: string | (() => string),
  limitMs = HANG_MS,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Blocks this thread, and with it Node's event loop, until cond holds (checked every 5 ms; a hang
 * after limitMs): what a peer does meanwhile is all pending at once when Node next looks, as for a
 * program busy elsewhere. cond must not need the event loop (a file's existence, not a child's output).
 */
export function blockUntil(cond: () => boolean, what: string, limitMs = HANG_MS): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    Atomics.wait(cell, 0, 0, 5);
  }
}
