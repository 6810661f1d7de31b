import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import { waitingCalls } from '../src/engine/keepalive.js';
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

  it('holds the process alive (keepalive.ts) only once the call goes on to wait on the event loop', async () => {
    const w = new Waiter();
    const before = waitingCalls();
    let queued: string | null = null;
    let heldDuringWait = -1;
    const here = w.now(
      'recv',
      's',
      null,
      {},
      () => queued,
      () => {
        heldDuringWait = waitingCalls();
        queued = 'data';
        w.wake();
      },
    );
    expect(here).toBe('data');
    expect(heldDuringWait).toBe(before);
    expect(waitingCalls()).toBe(before);
    queued = null;
    const later = w.now(
      'recv',
      's',
      null,
      {},
      () => queued,
      () => undefined,
    );
    expect(waitingCalls()).toBe(before + 1);
    queued = 'later';
    w.wake();
    expect(await later).toBe('later');
    expect(waitingCalls()).toBe(before);
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

/**
 * Issue 16: a script's calls share one signal. Each socket used to add its own abort listener on its
 * first wait and keep it until it closed: a listener per held connection that had waited, and an
 * addEventListener and a removeEventListener per served one. Now the signal has one listener, for
 * whichever calls wait with it.
 */
describe('Waiter and Ctrl-C', () => {
  it('calls on many slots waiting with one signal put one listener on it, and aborting fails each of them with EINTR', async () => {
    const ctrlC = new AbortController();
    const slots = Array.from({ length: 20 }, () => new Waiter());
    const calls = slots.map((w, i) => w.until('recv', `c${i}`, null, { signal: ctrlC.signal }, () => null));
    expect(getEventListeners(ctrlC.signal, 'abort')).toHaveLength(1);
    ctrlC.abort();
    for (const [i, got] of calls.entries()) await expect(got).rejects.toMatchObject({ code: 'EINTR', context: { socket: `c${i}` } });
    expect(slots.every((w) => w.call === null)).toBe(true);
  });

  it('a call that ended is not failed by a later abort, and the slot waits again with the same listener', async () => {
    const ctrlC = new AbortController();
    const done = new Waiter();
    const other = new Waiter();
    let ready = false;
    const first = done.until('recv', 'a', null, { signal: ctrlC.signal }, () => (ready ? 'data' : null));
    ready = true;
    done.wake();
    await expect(first).resolves.toBe('data');
    const second = other.until('accept', 'b', null, { signal: ctrlC.signal }, () => null);
    ready = false;
    const again = done.until('recv', 'a', null, { signal: ctrlC.signal }, () => (ready ? 'more' : null));
    expect(getEventListeners(ctrlC.signal, 'abort')).toHaveLength(1);
    ready = true;
    done.wake();
    await expect(again).resolves.toBe('more');
    ctrlC.abort();
    await expect(second).rejects.toMatchObject({ code: 'EINTR' });
    expect(done.call).toBeNull();
  });
});

/**
 * The slot's one timer (wait-timer.ts) is kept from wait to wait and re-armed for what is left. Fake
 * timers (setTimeout and performance.now) make "the timer left from the last wait fires" a step of the
 * test rather than a race with the clock.
 */
describe('Waiter timeouts', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('a short wait after a long one that ended times out on its own deadline, not the timer left from the long one', async () => {
    const w = new Waiter();
    let ready = false;
    const long = w.until('recv', 's', 600, {}, () => (ready ? 'data' : null));
    ready = true;
    w.wake();
    await expect(long).resolves.toBe('data');
    const short = w.until('recv', 's', 0.02, {}, () => null);
    const failed = expect(short).rejects.toMatchObject({ code: 'ETIMEDOUT', context: { seconds: 0.02 } });
    vi.advanceTimersByTime(20);
    await failed;
    expect(w.call).toBeNull();
    w.dispose();
  });

  it("a long wait after a short one is not ended by the short one's timer, which fires early and re-arms", async () => {
    const w = new Waiter();
    let ready = false;
    const short = w.until('recv', 's', 0.01, {}, () => (ready ? 'a' : null));
    ready = true;
    w.wake();
    await expect(short).resolves.toBe('a');
    ready = false;
    const long = w.until('recv', 's', 600, {}, () => (ready ? 'b' : null));
    vi.advanceTimersByTime(40);
    expect(w.call).toBe('recv');
    vi.advanceTimersByTime(600_000 - 40);
    await expect(long).rejects.toMatchObject({ code: 'ETIMEDOUT', context: { seconds: 600 } });
    w.dispose();
  });

  it('a timeout past the longest delay Node takes (24.8 days) is a chain of timers, as Python takes settimeout(3000000)', async () => {
    const w = new Waiter();
    const long = w.until('recv', 's', 3_000_000, {}, () => null);
    vi.advanceTimersByTime(2_147_483_647);
    expect(w.call).toBe('recv');
    const failed = expect(long).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    vi.advanceTimersByTime(3_000_000_000 - 2_147_483_647);
    await failed;
    w.dispose();
  });
});
