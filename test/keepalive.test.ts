/**
 * Issue 17 item 1: a waiting call keeps the process alive. A recvfrom on a UDP socket that was never
 * bound has no descriptor under it, so without the keepalive nothing holds Node's event loop and the
 * process exits 0 halfway through the script. These tests check the hold directly, in-process; the
 * end-to-end check is test/e2e/no-silent-exit.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { holdingLoop, waitingCalls } from '../src/engine/keepalive.js';
import { fails, rig, type Rig } from './engine-helpers.js';

let r: Rig;
afterEach(async () => {
  await r.engine.closeAll();
});

describe('a waiting call holds the event loop', () => {
  it('while recvfrom waits on a never-bound UDP socket, until it is cancelled', async () => {
    r = rig();
    const before = waitingCalls();
    const u = r.engine.create('udp', 4, { name: 'u', owner: 'main' });
    const controller = new AbortController();
    const waiting = r.engine.recvfrom(u, 100, { signal: controller.signal });
    expect(waitingCalls()).toBe(before + 1);
    expect(holdingLoop()).toBe(true);
    controller.abort();
    await fails(waiting, 'EINTR');
    expect(waitingCalls()).toBe(before);
  });

  it('until the call times out, completes, or its socket is closed', async () => {
    r = rig();
    const before = waitingCalls();
    const u = r.engine.create('udp', 4, { name: 'u', owner: 'main' });
    r.engine.settimeout(u, 0.01);
    await fails(r.engine.recvfrom(u, 100, {}), 'ETIMEDOUT');
    expect(waitingCalls()).toBe(before);

    r.engine.settimeout(u, null);
    const server = r.engine.create('udp', 4, { name: 'server', owner: 'main' });
    const { port } = await r.engine.bind(server, '127.0.0.1', 0);
    const got = r.engine.recvfrom(server, 100, {});
    expect(waitingCalls()).toBe(before + 1);
    await r.engine.sendto(u, Buffer.from('hi'), '127.0.0.1', port, {});
    expect((await got).data.toString()).toBe('hi');
    expect(waitingCalls()).toBe(before);

    const closing = r.engine.recvfrom(server, 100, {});
    expect(waitingCalls()).toBe(before + 1);
    r.engine.close(server);
    await fails(closing, 'EBADF');
    expect(waitingCalls()).toBe(before);
  });

  it('lets go of the loop once nothing waits', () => {
    r = rig();
    expect(waitingCalls()).toBe(0);
    expect(holdingLoop()).toBe(false);
  });
});
