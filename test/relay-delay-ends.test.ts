import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '../src/relay/index.js';
import { waitFor } from './helpers/wait.js';

/**
 * The ends of a connection through a TCP relay with --delay (trial 10, against socat): a network that
 * delays every segment delays the FIN and the RST as well, and delivers what was sent before them.
 * Before: a client's reset was passed on at once and the bytes still held were thrown away (the
 * target saw ECONNRESET and none of them; socat delivers them), and a FIN that came when nothing was
 * held crossed with no delay at all.
 */
let closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

/** A target that records what it reads and how its side ended ('end' for a FIN, or the error's code). */
async function target(): Promise<{ port: number; got: () => string; ended: () => string | null; endedAt: () => number }> {
  let got = '';
  let ended: string | null = null;
  let endedAt = 0;
  const server = createServer({ allowHalfOpen: true }, (c: Socket) => {
    c.on('data', (d: Buffer) => (got += d.toString('latin1')));
    c.on('end', () => {
      ended ??= 'end';
      endedAt = performance.now();
      c.end();
    });
    c.on('error', (e: NodeJS.ErrnoException) => {
      ended ??= e.code ?? 'error';
      endedAt = performance.now();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, got: () => got, ended: () => ended, endedAt: () => endedAt };
}

async function delaying(port: number, delayMs: number): Promise<Relay> {
  const relay = await startRelay(
    { transport: 'tcp', listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port }, impair: { delayMs, rate: null } },
    () => undefined,
  );
  closers.push(() => relay.close());
  return relay;
}

describe('a delaying TCP relay passes the ends on late, after the bytes before them', () => {
  it("a client's reset comes after the bytes it sent, which are delivered", async () => {
    const t = await target();
    const relay = await delaying(t.port, 2000);
    const client = connect({ port: relay.local.port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    client.write('important');
    await waitFor(() => relay.counts().up.bytes === 9, 'the relay to hold the 9 bytes');
    client.resetAndDestroy();
    await waitFor(() => t.ended() !== null, 'the target to see the end');
    expect([t.got(), t.ended()]).toEqual(['important', 'ECONNRESET']);
  });

  it('a FIN sent when nothing is held is delayed as bytes are', async () => {
    const t = await target();
    const relay = await delaying(t.port, 300);
    const client = connect({ port: relay.local.port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => undefined);
    closers.push(() => void client.destroy());
    client.write('x');
    await waitFor(() => t.got() === 'x', 'the byte to cross');
    const sent = performance.now();
    client.end();
    await waitFor(() => t.ended() !== null, 'the FIN to cross');
    expect(t.ended()).toBe('end');
    // A lower bound only: a loaded machine makes it later, never earlier (timers do not fire early).
    expect(t.endedAt() - sent).toBeGreaterThanOrEqual(299);
  });
});
