import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SEND_PIECE } from '../src/engine/kernel-send.js';
import type { SocketHandle } from '../src/engine/index.js';
import { fails, rig, type Rig } from './engine-helpers.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 14, fidelity: Python's send returns what the kernel took and blocks (or times out under
 * settimeout) while the kernel's send buffer is full; sendall sends everything. It used to return
 * the whole length at once (200000000 for 200 MB to a peer that never reads), buffering it all.
 */
let r: Rig;
let server: Server | null = null;
let peer: Socket | null = null;
afterEach(async () => {
  peer?.destroy();
  await r.engine.closeAll();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  peer = null;
});

/**
 * A new rig's socket c, connected to a peer that accepts and does not read until told (peer.resume()):
 * the kernel's buffers between them fill. Resolves once the peer has the connection.
 */
async function connectedToStalledPeer(): Promise<{ c: SocketHandle; peer: Socket }> {
  r = rig();
  server = createServer({ pauseOnConnect: true }, (s) => (peer = s));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const c = r.engine.create('tcp', 4, { owner: 'main', name: 'c' });
  await r.engine.connect(c, '127.0.0.1', (server.address() as { port: number }).port, {});
  await waitFor(() => peer !== null, 'the peer accepted');
  return { c, peer: peer! };
}

/** The stalled peer reads from now on: how many bytes it has read, and their sha256 (hex) once all are in. */
function reading(peer: Socket): { got: () => number; sha: () => string } {
  const hash = createHash('sha256');
  let got = 0;
  peer.on('data', (d: Buffer) => {
    hash.update(d);
    got += d.length;
  });
  peer.resume();
  return { got: () => got, sha: () => hash.digest('hex') };
}

describe('send returns what the kernel took', () => {
  it('to a peer that never reads: less than asked, then blocks and times out (settimeout), as Python', async () => {
    const { c } = await connectedToStalledPeer();
    const data = randomBytes(64 * 1024 * 1024);
    const first = await r.engine.send(c, data, {});
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(data.length);
    // What Node holds beyond the kernel is at most one piece, not the other 60-odd MiB.
    expect(r.engine.info(c).bytesSent).toBe(first);
    r.engine.settimeout(c, 0.2);
    let total = first;
    // Sending the rest: each send takes what fits, until the kernel's buffer is full and one times out.
    for (let i = 0; i < 1000; i++) {
      const n = r.engine.send(c, data.subarray(total), {});
      let sent: number;
      try {
        sent = await n;
      } catch {
        await fails(n, 'ETIMEDOUT', 'TimeoutError');
        break;
      }
      total += sent;
    }
    expect(total).toBeLessThan(data.length);
    // The sent event says what went, not what was asked.
    const sentEvents = r.of('sent').filter((e) => e.call === 'send');
    expect(sentEvents.reduce((sum, e) => sum + e.bytes, 0)).toBe(total);
    expect(sentEvents.every((e) => e.data.length === e.bytes)).toBe(true);
  });

  it('send the rest in a loop: the peer gets every byte exactly once, in order', async () => {
    const { c, peer } = await connectedToStalledPeer();
    const data = randomBytes(20 * 1024 * 1024 + 12345);
    const read = reading(peer);
    let at = 0;
    let sends = 0;
    while (at < data.length) {
      at += await r.engine.send(c, data.subarray(at), {});
      sends++;
    }
    await waitFor(
      () => read.got() === data.length,
      () => `all bytes at the peer (${read.got()} of ${data.length})`,
    );
    expect(read.sha()).toBe(createHash('sha256').update(data).digest('hex'));
    expect(sends).toBeGreaterThanOrEqual(1);
  });

  it('send of b"" returns 0; a small send goes whole; a huge one does not', async () => {
    const { c } = await connectedToStalledPeer();
    expect(await r.engine.send(c, Buffer.alloc(0), {})).toBe(0);
    expect(await r.engine.send(c, Buffer.alloc(1000, 1), {})).toBe(1000);
    // One call never takes more than fits plus the piece Node holds: bounded memory whatever is asked.
    expect(await r.engine.send(c, Buffer.alloc(1024 * SEND_PIECE, 1), {})).toBeLessThan(1024 * SEND_PIECE);
  });
});

describe('sendall returns once the kernel has taken every byte', () => {
  it('to a peer that does not read yet: it waits, holding at most a piece in Node, and returns when the peer has read enough', async () => {
    const { c, peer } = await connectedToStalledPeer();
    const data = randomBytes(32 * 1024 * 1024 + 777);
    let settled = false;
    const sending = r.engine.sendall(c, data, {}).finally(() => (settled = true));
    await waitFor(() => r.engine.info(c).waiting === 'sendall', 'sendall waits for the kernel to take more');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    // Node was handed what the kernel took and one piece more, not the 32 MiB.
    expect(r.engine.info(c).bytesSent).toBeLessThan(data.length);
    const read = reading(peer);
    await sending;
    expect(r.engine.info(c).bytesSent).toBe(data.length);
    await waitFor(
      () => read.got() === data.length,
      () => `all bytes at the peer (${read.got()} of ${data.length})`,
    );
    expect(read.sha()).toBe(createHash('sha256').update(data).digest('hex'));
    const told = r.of('sent').filter((e) => e.call === 'sendall');
    expect(told.map((e) => e.bytes)).toEqual([data.length]);
  });

  it('settimeout bounds the whole sendall, as Python 3.5+: TimeoutError, saying how many bytes had gone (Python does not)', async () => {
    const { c, peer } = await connectedToStalledPeer();
    r.engine.settimeout(c, 0.3);
    const data = randomBytes(64 * 1024 * 1024);
    const err = await fails(
      r.engine.sendall(c, data, {}),
      'ETIMEDOUT',
      'TimeoutError',
      /sendall had sent \d+ bytes of 67108864 when it stopped/,
    );
    const sent = Number(/had sent (\d+) bytes/.exec(err.message)![1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(data.length);
    expect(r.engine.info(c).bytesSent).toBe(sent);
    const told = r.of('sent').filter((e) => e.call === 'sendall');
    expect(told.map((e) => e.bytes)).toEqual([sent]);
    // The socket is still usable: the rest goes once the peer reads.
    r.engine.settimeout(c, null);
    peer.resume();
    await r.engine.sendall(c, data.subarray(sent), {});
    expect(r.engine.info(c).bytesSent).toBe(data.length);
  });
});
