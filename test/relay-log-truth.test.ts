import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * The traffic log of a relay says what went through, not what arrived: a datagram the relay lost is
 * marked dropped, one it held back is logged when it went on, and a FIN or a reset that passes is
 * logged as what it was (a reset never as a FIN).
 */

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A shell with `log on` and a relay job to target; its lines, the traffic lines among them, and the relay's port. */
async function loggedRelay(args: string): Promise<{ lines: string[]; traffic: () => string[]; port: number }> {
  const lines: string[] = [];
  const shell = new CoreDriver({ onLine: (l) => lines.push(l.text) });
  closers.push(() => shell.close());
  await shell.run('log on');
  await shell.run(`relay ${args} &`);
  await waitFor(() => lines.some((l) => l.startsWith('[1] relaying ')), 'the relay to start');
  const port = Number(/from \('127\.0\.0\.1', (\d+)\)/.exec(lines.find((l) => l.startsWith('[1] relaying '))!)![1]);
  return { lines, traffic: () => lines.filter((l) => /^[<>] /.test(l)).map((l) => l.replace(/^(.) \S+Z/, '$1 TIME')), port };
}

/** A UDP socket on loopback that keeps what reaches it. */
async function udpPeer(): Promise<{ port: number; got: Buffer[]; send: (data: string, port: number) => void }> {
  const s = createSocket('udp4');
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => s.close(() => r())));
  return { port: s.address().port, got, send: (data, port) => s.send(data, port, '127.0.0.1') };
}

describe("a relay's traffic log", () => {
  it('marks a datagram the relay lost as dropped, and logs none as gone on', async () => {
    const target = await udpPeer();
    const { traffic, lines, port } = await loggedRelay(`udp 0 127.0.0.1 ${target.port} --loss 100 --seed 3`);
    const client = await udpPeer();
    client.send('one', port);
    client.send('two', port);
    await waitFor(
      () => traffic().length === 2,
      () => `two entries; saw ${lines.join(' | ')}`,
    );
    const from = `127.0.0.1:${client.port}`;
    expect(traffic()).toEqual([
      `> TIME relay ${from} > 127.0.0.1:${target.port} UDP 3 bytes dropped by the relay (--loss): not sent on`,
      `> TIME relay ${from} > 127.0.0.1:${target.port} UDP 3 bytes dropped by the relay (--loss): not sent on`,
    ]);
    expect(target.got).toEqual([]);
  });

  it('logs a delayed datagram when it went on, and says how late', async () => {
    const target = await udpPeer();
    const { traffic, lines, port } = await loggedRelay(`udp 0 127.0.0.1 ${target.port} --delay 300`);
    const client = await udpPeer();
    const sent = Date.now();
    client.send('late', port);
    await waitFor(() => target.got.length === 1, 'the datagram through the relay');
    await waitFor(
      () => traffic().length === 1,
      () => `one entry; saw ${lines.join(' | ')}`,
    );
    expect(traffic()[0]).toMatch(/^> TIME relay 127\.0\.0\.1:\d+ > 127\.0\.0\.1:\d+ UDP 4 bytes \d+ ms late$/);
    // Logged at delivery: a delay never ends early, so the entry's time is at least 300 ms after the send.
    const at = Date.parse(/^> (\S+Z)/.exec(lines.find((l) => l.startsWith('> '))!)![1]!);
    expect(at - sent).toBeGreaterThanOrEqual(300 - 2);
  });

  it('logs each copy of a duplicated datagram as it went, the second marked', async () => {
    const target = await udpPeer();
    const { traffic, lines, port } = await loggedRelay(`udp 0 127.0.0.1 ${target.port} --duplicate 100 --seed 3`);
    const client = await udpPeer();
    client.send('twice', port);
    await waitFor(() => target.got.length === 2, 'both copies through the relay');
    await waitFor(
      () => traffic().length === 2,
      () => `two entries; saw ${lines.join(' | ')}`,
    );
    expect(traffic().map((t) => t.replace(/:\d+/g, ':P'))).toEqual([
      '> TIME relay 127.0.0.1:P > 127.0.0.1:P UDP 5 bytes',
      '> TIME relay 127.0.0.1:P > 127.0.0.1:P UDP 5 bytes the second copy (--duplicate)',
    ]);
  });

  it('logs the FIN each side sent as it passed, after the bytes before it', async () => {
    const server = createServer({ allowHalfOpen: true }, (c) => {
      c.on('data', (d) => c.write(d.toString().toUpperCase()));
      c.on('end', () => c.end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const target = (server.address() as { port: number }).port;
    const { traffic, lines, port } = await loggedRelay(`tcp 0 127.0.0.1 ${target}`);
    const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    closers.push(() => void c.destroy());
    let got = '';
    c.on('data', (d: Buffer) => (got += d.toString()));
    const ended = new Promise<void>((r) => c.on('end', () => r()));
    await new Promise<void>((r) => c.on('connect', () => r()));
    c.write('hi');
    await waitFor(() => got === 'HI', 'the reply');
    c.end();
    await ended;
    await waitFor(
      () => traffic().length === 4,
      () => `four entries; saw ${lines.join(' | ')}`,
    );
    expect(traffic().map((t) => t.replace(/:\d+/g, ':P'))).toEqual([
      '> TIME relay 127.0.0.1:P > 127.0.0.1:P TCP 2 bytes',
      '< TIME relay 127.0.0.1:P < 127.0.0.1:P TCP 2 bytes',
      '> TIME relay FIN from 127.0.0.1:P, passed on to 127.0.0.1:P',
      '< TIME relay FIN from 127.0.0.1:P, passed on to 127.0.0.1:P',
    ]);
  });

  it("logs a client's reset as a reset passed on, never as a FIN, and nothing the relay did not pass", async () => {
    const accepted: Socket[] = [];
    let heard: string | null = null;
    const server = createServer((c) => {
      accepted.push(c);
      c.on('error', (e: NodeJS.ErrnoException) => (heard = e.code ?? 'error'));
      c.on('end', () => (heard = 'FIN'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    closers.push(() => accepted.forEach((c) => c.destroy()));
    const target = (server.address() as { port: number }).port;
    const { traffic, lines, port } = await loggedRelay(`tcp 0 127.0.0.1 ${target}`);
    const c = connect({ port, host: '127.0.0.1' });
    c.on('error', () => undefined);
    await new Promise<void>((r) => c.on('connect', () => r()));
    await waitFor(() => accepted.length === 1, 'the relay to connect on to the target');
    c.resetAndDestroy();
    await waitFor(() => heard !== null, 'the target to hear the end');
    expect(heard).toBe('ECONNRESET');
    await waitFor(
      () => traffic().length >= 1,
      () => `an entry; saw ${lines.join(' | ')}`,
    );
    expect(traffic().map((t) => t.replace(/:\d+/g, ':P'))).toEqual([
      '> TIME relay RST from 127.0.0.1:P, passed on to 127.0.0.1:P as a reset',
    ]);
  });

  it("logs the target's reset as a reset passed back to the client", async () => {
    const server = createServer((c) => {
      c.on('error', () => undefined);
      c.on('data', () => c.resetAndDestroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const target = (server.address() as { port: number }).port;
    const { traffic, lines, port } = await loggedRelay(`tcp 0 127.0.0.1 ${target}`);
    const c = connect({ port, host: '127.0.0.1' });
    closers.push(() => void c.destroy());
    let heard: string | null = null;
    c.on('error', (e: NodeJS.ErrnoException) => (heard = e.code ?? 'error'));
    c.on('end', () => (heard = 'FIN'));
    await new Promise<void>((r) => c.on('connect', () => r()));
    c.write('x');
    await waitFor(() => heard !== null, 'the client to hear the end');
    expect(heard).toBe('ECONNRESET');
    await waitFor(
      () => traffic().length === 2,
      () => `two entries; saw ${lines.join(' | ')}`,
    );
    expect(traffic().map((t) => t.replace(/:\d+/g, ':P'))).toEqual([
      '> TIME relay 127.0.0.1:P > 127.0.0.1:P TCP 1 byte',
      '< TIME relay RST from 127.0.0.1:P, passed on to 127.0.0.1:P as a reset',
    ]);
  });
});
