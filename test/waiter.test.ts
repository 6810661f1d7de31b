import { describe, expect, it } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import { Waiter } from '../src/engine/waiter.js';

/**
 * The one-call slot's wake(): a check may cause another wake while it runs (Node runs a write's
 * callback at once when the write fails). The call must settle once, with the check's own outcome.
 */
describe('Waiter.wake', () => {
  it('a wake from inside the running check does not run it again inside: the outer look settles the call, once', async () => {
    const w = new Waiter();
    let looks = 0;
    // until()'s caller has looked once already; each wake looks again. This look causes a wake (as a
    // write's callback run at once on an error) and then fails: run nested, the inner look settled the
    // call and the outer failure then found no call to settle (TypeError: reject is not a function).
    const got = w.until('sendall', 's', null, {}, () => {
      looks++;
      w.wake();
      throw new SocketError('EPIPE', 'sendall', { socket: 's' });
    });
    expect(() => w.wake()).not.toThrow();
    await expect(got).rejects.toMatchObject({ code: 'EPIPE' });
    expect(looks).toBe(1);
    expect(w.call).toBeNull();
    expect(w.wake()).toBe(false);
  });

  it('a nested wake whose look succeeds resolves the call with that look', async () => {
    const w = new Waiter();
    let looks = 0;
    const got = w.until('recv', 's', null, {}, () => {
      looks++;
      if (looks < 2) {
        if (looks === 1 && w.waiting) w.wake();
        return null;
      }
      return 'data';
    });
    w.wake();
    await expect(got).resolves.toBe('data');
    expect(w.call).toBeNull();
  });

  it('a check that woke the call and then ended it (fail) is not looked at again: a look may take data', async () => {
    const w = new Waiter();
    let looks = 0;
    const got = w.until('recv', 's', null, {}, () => {
      looks++;
      w.wake();
      w.fail(new SocketError('ECONNRESET', 'recv', { socket: 's' }));
      return null;
    });
    w.wake();
    await expect(got).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(looks).toBe(1);
    expect(w.call).toBeNull();
  });
});

describe('Waiter.now', () => {
  it('gives the value itself when the wait here brought it, and leaves the slot idle', () => {
    const w = new Waiter();
    let queued: string | null = null;
    const got = w.now(
      'recv',
      's',
      null,
      {},
      () => queued,
      () => {
        queued = 'data';
        w.wake();
      },
    );
    expect(got).toBe('data');
    expect(w.call).toBeNull();
  });

  it('gives a promise when nothing came, settled by a later wake', async () => {
    const w = new Waiter();
    let queued: string | null = null;
    const got = w.now(
      'recv',
      's',
      null,
      {},
      () => queued,
      () => undefined,
    );
    expect(got).toBeInstanceOf(Promise);
    expect(w.call).toBe('recv');
    queued = 'later';
    w.wake();
    expect(await got).toBe('later');
    expect(w.call).toBeNull();
  });

  it('a wait here that throws rejects the call and leaves the slot idle for the next', async () => {
    const w = new Waiter();
    const got = w.now(
      'recv',
      's',
      null,
      {},
      () => null,
      () => {
        throw new Error('the addon failed');
      },
    );
    expect(got).toBeInstanceOf(Promise);
    await expect(got).rejects.toThrow('the addon failed');
    expect(w.call).toBeNull();
    expect(w.waiting).toBe(false);
  });
});
