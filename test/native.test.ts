/**
 * The native fast path (native/sockshell.c, src/engine/native.ts) where the addon is built: calls that
 * wait do so in the addon while nothing else needs the event loop, and give the wait back to the loop
 * the moment something does. The engine's own suites run on this back end too (test/engine-helpers.ts
 * BACK_END; .ci/run runs them with SOCKSHELL_ENGINE=loop as well).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import { fails, rig, type Rig } from './engine-helpers.js';
import { PEERS, freeFixedPort, hasPython, startServer, type Server } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

const { calls } = nativeCalls();
const BENCH = `${PEERS}../bench/peers/`;
const built = calls !== null;
let r: Rig | null = null;
let peer: Server | null = null;

afterEach(async () => {
  await r?.engine.closeAll();
  await peer?.stop();
  r = null;
  peer = null;
});

/** Counts the calls made to the addon's function `name` while fn runs (the addon itself still does them). */
async function counting(name: 'recvfrom' | 'sendto' | 'recv' | 'send', fn: () => Promise<void>): Promise<number> {
  const api = calls as unknown as { [K in typeof name]: (...args: unknown[]) => number };
  const real = api[name];
  let n = 0;
  api[name] = (...args: unknown[]) => {
    n++;
    return real(...args);
  };
  try {
    await fn();
  } finally {
    api[name] = real;
  }
  return n;
}

describe.skipIf(!built)('the native fast path', () => {
  it.skipIf(!hasPython)('makes UDP round trips with a peer in another process in the addon', async () => {
    r = rig({ blockingCalls: () => true });
    const port = await freeFixedPort();
    peer = await startServer('python3', [`${PEERS}UDPServer.py`, String(port)], 'The server is ready to receive');
    const s = r.engine.create('udp', 4, { name: 'clientSocket', owner: 'main' });
    await r.engine.bind(s, '127.0.0.1', 0);
    let replies = 0;
    const sent = await counting('sendto', async () => {
      const read = await counting('recvfrom', async () => {
        for (let i = 0; i < 5; i++) {
          await r!.engine.sendto(s, Buffer.from(`hello ${i}`), '127.0.0.1', port, {});
          const got = await r!.engine.recvfrom(s, 2048, { maxWaitMs: HANG_MS });
          expect(got.data.toString()).toBe(`HELLO ${i}`);
          expect(got.address).toEqual({ host: '127.0.0.1', port, family: 4 });
          replies++;
        }
      });
      // Python answers within the addon's slice, unless this machine is very busy: then the loop reads it.
      expect(read).toBeGreaterThan(0);
    });
    expect(sent).toBe(5);
    expect(replies).toBe(5);
    // The calls were told as the event loop's are: each datagram taken by the recvfrom that waited for it.
    expect(r.of('received').every((e) => e.taken)).toBe(true);
    expect(r.of('returned')).toHaveLength(5);
  });

  it.skipIf(!hasPython)('makes TCP round trips with a peer in another process in the addon', async () => {
    r = rig({ blockingCalls: () => true });
    const port = await freeFixedPort();
    peer = await startServer('python3', [`${BENCH}py_rt.py`, 'tcp-server', String(port)], 'The server is ready to receive');
    const s = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    await r.engine.connect(s, '127.0.0.1', port, {});
    let read = 0;
    const sent = await counting('send', async () => {
      read = await counting('recv', async () => {
        for (let i = 0; i < 5; i++) {
          await r!.engine.send(s, Buffer.from(`hello ${i}`), {});
          expect((await r!.engine.recv(s, 1024, { maxWaitMs: HANG_MS })).toString()).toBe(`HELLO ${i}`);
        }
      });
    });
    expect(sent).toBe(5);
    expect(read).toBeGreaterThan(0);
    expect(r.of('received').every((e) => e.taken)).toBe(true);
    r.engine.shutdown(s, 'wr');
    expect((await r.engine.recv(s, 1024, { maxWaitMs: HANG_MS })).length).toBe(0); // the peer's FIN, told by the event loop
  });

  it('gives a waiting call back to the event loop for its timer, its timeout and Ctrl-C', async () => {
    r = rig({ blockingCalls: () => true });
    const s = r.engine.create('udp', 4, { name: 'serverSocket', owner: 'main' });
    await r.engine.bind(s, '127.0.0.1', 0);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await fails(r.engine.recvfrom(s, 100, { signal: controller.signal }), 'EINTR');
    r.engine.settimeout(s, 0.05);
    await fails(r.engine.recvfrom(s, 100, {}), 'ETIMEDOUT', 'TimeoutError');
    expect(r.engine.info(s)).toMatchObject({ waiting: null, queued: { count: 0 } });
  });

  it('is not used while the engine is told calls may not block', async () => {
    let allowed = false;
    r = rig({ blockingCalls: () => allowed });
    const a = r.engine.create('udp', 4, { name: 'a', owner: 'main' });
    const b = r.engine.create('udp', 4, { name: 'b', owner: 'main' });
    const { port } = await r.engine.bind(a, '127.0.0.1', 0);
    await r.engine.bind(b, '127.0.0.1', 0);
    expect(await counting('sendto', () => r!.engine.sendto(b, Buffer.from('x'), '127.0.0.1', port, {}).then(() => undefined))).toBe(0);
    allowed = true;
    expect(await counting('sendto', () => r!.engine.sendto(b, Buffer.from('y'), '127.0.0.1', port, {}).then(() => undefined))).toBe(1);
    expect((await r.engine.recv(a, 10, {})).toString()).toBe('x');
    expect((await r.engine.recv(a, 10, {})).toString()).toBe('y');
  });
});
