import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Jobs } from '../src/core/jobs.js';

/**
 * Issue 17 item 9: `kill %N` waits for the job to end or for its own command's signal. A piped
 * session's commands share one signal, and each kill used to leave an abort listener on it: twelve
 * kills printed MaxListenersExceededWarning.
 */
describe('kill %N', () => {
  it('leaves no abort listener on the signal of the command that killed', async () => {
    const jobs = new Jobs();
    const session = new AbortController();
    for (let i = 0; i < 20; i++) {
      const id = jobs.start(
        'run waiter.sock',
        (signal) =>
          new Promise<void>((resolve) => {
            if (signal.aborted)
              resolve(); // the job starts on the next turn, after kill may have aborted it
            else signal.addEventListener('abort', () => resolve(), { once: true });
          }),
        () => undefined,
      );
      expect(await jobs.kill(id, session.signal)).toBe(true);
    }
    expect(getEventListeners(session.signal, 'abort')).toEqual([]);
  });

  it('still stops waiting when its own signal is aborted first (a job killing itself)', async () => {
    const jobs = new Jobs();
    const own = new AbortController();
    const id = jobs.start(
      'run stubborn.sock',
      () => new Promise<void>(() => undefined),
      () => undefined,
    );
    const killed = jobs.kill(id, own.signal);
    own.abort();
    expect(await killed).toBe(true);
  });
});
