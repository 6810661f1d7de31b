import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket as Udp } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { seeded, startRelay, type Relay, type RelayEvent, type RelaySpec, type UdpImpairments } from '../src/relay/index.js';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor, waitForAsync } from './helpers/wait.js';

/** The relay layer over real loopback sockets: a test echo server behind it, a test client in front. */

const NONE: UdpImpairments = { loss: 0, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0 };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A UDP echo server on loopback; `got` holds every datagram it received, in order. */
async function udpEcho(): Promise<{ port: number; got: Buffer[] }> {
  const s = createSocket('udp4');
  const got: Buffer[] = [];
  s.on('message', (m, r) => {
    got.push(m);
    s.send(m, r.port, r.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => s.close(() => r())));
  return { port: s.address().port, got };
}

async function udpClient(): Promise<{ socket: Udp; got: Buffer[] }> {
  const socket = createSocket('udp4');
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => socket.close(() => r())));
  return { socket, got };
}

async function udpRelay(target: number, impair: Partial<UdpImpairments>, seed = 1): Promise<{ relay: Relay; events: RelayEvent[] }> {
  const events: RelayEvent[] = [];
  const spec: RelaySpec = {
    transport: 'udp',
    listen: { host: '127.0.0.1', port: 0 },
    target: { host: 'localhost', port: target },
    impair: { ...NONE, ...impair },
    seed,
  };
  const relay = await startRelay(spec, (e) => events.push(e));
  closers.push(() => relay.close());
  return { relay, events };
}

/** Sends each payload from the client to the relay, in order. */
function sendAll(client: Udp, relay: Relay, payloads: readonly Buffer[]): void {
  for (const p of payloads) client.send(p, relay.local.port, '127.0.0.1');
}

const numbered = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`datagram ${i + 1}`));

describe('the UDP relay', () => {
  it("tells a new client before what became of its first datagrams (trial 4: 'lost datagram #1' came first)", async () => {
    const echo = await udpEcho();
    const { relay, events } = await udpRelay(echo.port, { loss: 100 });
    const client = await udpClient();
    sendAll(client.socket, relay, numbered(2));
    await waitFor(() => events.filter((e) => e.kind === 'lost').length === 2, 'both datagrams lost');
    expect(events.filter((e) => e.kind !== 'ready').map((e) => e.kind)).toEqual(['client', 'lost', 'data', 'lost', 'data']);
  });

  it('with loss 100 loses every datagram, and says which', async () => {
    const echo = await udpEcho();
    const { relay, events } = await udpRelay(echo.port, { loss: 100 });
    const client = await udpClient();
    sendAll(client.socket, relay, numbered(20));
    await waitFor(() => relay.counts().up.arrived === 20, 'the relay to hear 20 datagrams');
    expect(relay.counts().up).toMatchObject({ arrived: 20, lost: 20, forwarded: 0 });
    expect(events.filter((e) => e.kind === 'lost').map((e) => e.kind === 'lost' && e.n)).toEqual(numbered(20).map((_, i) => i + 1));
    expect(echo.got).toEqual([]);
  });

  it('with loss 0 forwards every datagram byte for byte, both ways, from one socket per client', async () => {
    const echo = await udpEcho();
    const { relay, events } = await udpRelay(echo.port, {});
    const a = await udpClient();
    const b = await udpClient();
    const pa = Array.from({ length: 40 }, (_, i) => randomBytes(1 + i * 37));
    const pb = Array.from({ length: 40 }, () => randomBytes(512));
    sendAll(a.socket, relay, pa);
    sendAll(b.socket, relay, pb);
    await waitFor(
      () => a.got.length === 40 && b.got.length === 40,
      () => `the echoes (a ${a.got.length}, b ${b.got.length})`,
    );
    // Each client gets its own datagrams back, none of the other's: the relay keeps one socket per client.
    expect(a.got).toEqual(pa);
    expect(b.got).toEqual(pb);
    expect(relay.counts()).toMatchObject({ clients: 2, up: { arrived: 80, forwarded: 80, lost: 0 }, down: { arrived: 80, forwarded: 80 } });
    expect(events.filter((e) => e.kind === 'client')).toHaveLength(2);
  });

  it('with a fixed seed loses the same datagrams every run, and only those', async () => {
    const lostIn = async (): Promise<number[]> => {
      const echo = await udpEcho();
      const { relay, events } = await udpRelay(echo.port, { loss: 30 }, 2026);
      const client = await udpClient();
      const sent = numbered(60);
      sendAll(client.socket, relay, sent);
      await waitFor(() => relay.counts().up.arrived === 60, 'the relay to hear 60 datagrams');
      const lost = events.flatMap((e) => (e.kind === 'lost' && e.direction === 'up' ? [e.n] : []));
      await waitFor(
        () => echo.got.length === 60 - lost.length,
        () => `the datagrams that were not lost: ${echo.got.length} of ${60 - lost.length}; ${JSON.stringify(relay.counts())}`,
      );
      // The target got exactly the datagrams the relay did not say it lost.
      expect(echo.got.map(String)).toEqual(sent.filter((_, i) => !lost.includes(i + 1)).map(String));
      await relay.close();
      return lost;
    };
    const first = await lostIn();
    const second = await lostIn();
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(35);
  });

  it('--duplicate 100 sends each datagram twice; --reorder 100 swaps each pair', async () => {
    const echo = await udpEcho();
    const { relay } = await udpRelay(echo.port, { duplicate: 100 });
    const client = await udpClient();
    sendAll(client.socket, relay, numbered(5));
    await waitFor(() => echo.got.length === 10, 'ten datagrams at the target');
    expect(echo.got.map(String)).toEqual(numbered(5).flatMap((p) => [String(p), String(p)]));
    expect(relay.counts().up.duplicated).toBe(5);

    const echo2 = await udpEcho();
    const { relay: swapping } = await udpRelay(echo2.port, { reorder: 100 });
    sendAll(client.socket, swapping, numbered(6));
    await waitFor(() => echo2.got.length === 6, 'six datagrams at the target');
    expect(echo2.got.map((b) => String(b).split(' ')[1])).toEqual(['2', '1', '4', '3', '6', '5']);
    expect(swapping.counts().up.reordered).toBe(3);
  });

  it('--delay holds datagrams back and a close cancels what waits, leaving no handle behind', async () => {
    const echo = await udpEcho();
    const client = await udpClient();
    const before = handles();
    const { relay } = await udpRelay(echo.port, { delayMs: 60_000 });
    sendAll(client.socket, relay, numbered(3));
    await waitFor(() => relay.counts().up.arrived === 3, 'the relay to hear 3 datagrams');
    expect(relay.counts().up.delayed).toBe(3);
    expect(echo.got).toEqual([]);
    await relay.close();
    await waitFor(
      () => atMost(before),
      () => `handles ${JSON.stringify(handles())} to be back to ${JSON.stringify(before)}`,
    );
  });

  it('the generator repeats: mulberry32 from seed 1', () => {
    const r = seeded(1);
    expect(r()).toBeCloseTo(0.627073940588, 10);
    const a = seeded(42);
    const b = seeded(42);
    expect(Array.from({ length: 100 }, a)).toEqual(Array.from({ length: 100 }, b));
  });
});

/** No more handles of any type than `before` had (sockets other tests closed may still be going). */
function atMost(before: Record<string, number>): boolean {
  return Object.entries(handles()).every(([type, n]) => n <= (before[type] ?? 0));
}

/** The OS handles and timers this process holds, by type. */
function handles(): Record<string, number> {
  const count: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (/UDP|TCP|Timeout/.test(r)) count[r] = (count[r] ?? 0) + 1;
  return count;
}

/** A TCP echo server that echoes until the client's FIN, then ends its side. */
async function tcpEcho(): Promise<number> {
  const server: Server = createServer({ allowHalfOpen: true }, (c) => c.pipe(c));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as { port: number }).port;
}

async function tcpRelay(target: number, delayMs: number, rate: number | null): Promise<Relay> {
  const relay = await startRelay(
    { transport: 'tcp', listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: target }, impair: { delayMs, rate } },
    () => undefined,
  );
  closers.push(() => relay.close());
  return relay;
}

/** Sends data through port, half-closes, and resolves with everything received until the peer's FIN. */
function exchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.end(data));
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => resolve(Buffer.concat(chunks)));
    c.on('error', reject);
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('the TCP relay', () => {
  it('through a delaying, rate-limited relay the bytes arrive whole and in order, and the FIN after them', async () => {
    const echo = await tcpEcho();
    const relay = await tcpRelay(echo, 40, 4 * 1024 * 1024);
    const data = randomBytes(3 * 1024 * 1024);
    const back = await exchange(relay.local.port, data);
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
    expect(relay.counts()).toMatchObject({ clients: 1, up: { bytes: data.length, forwarded: data.length } });
  });

  it('several connections at once, each whole', async () => {
    const echo = await tcpEcho();
    const relay = await tcpRelay(echo, 20, null);
    const datas = Array.from({ length: 5 }, (_, i) => randomBytes(100_000 + i));
    const backs = await Promise.all(datas.map((d) => exchange(relay.local.port, d)));
    expect(backs.map(sha)).toEqual(datas.map(sha));
  });

  it('a target that refuses resets the client, and close leaves no handle behind', async () => {
    const refusing = await tcpEcho();
    for (const close of closers.splice(0)) await close(); // nothing listens there now
    const before = handles();
    const relay = await startRelay(
      {
        transport: 'tcp',
        listen: { host: '127.0.0.1', port: 0 },
        target: { host: '127.0.0.1', port: refusing },
        impair: { delayMs: 0, rate: null },
      },
      () => undefined,
    );
    const error = await exchange(relay.local.port, Buffer.from('hello')).then(
      () => 'no error',
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(error).toBe('ECONNRESET');
    expect(relay.counts().failures).toBe(1);
    await relay.close();
    await waitFor(
      () => atMost(before),
      () => `handles ${JSON.stringify(handles())} to be back to ${JSON.stringify(before)}`,
    );
  });
});

describe('a reset through the TCP relay', () => {
  it('is passed on as a reset, and the connection ends once', async () => {
    let serverSide: Socket | null = null;
    const server = createServer({ allowHalfOpen: true }, (c) => {
      serverSide = c;
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const events: RelayEvent[] = [];
    const relay = await startRelay(
      {
        transport: 'tcp',
        listen: { host: '127.0.0.1', port: 0 },
        target: { host: '127.0.0.1', port: (server.address() as { port: number }).port },
        impair: { delayMs: 0, rate: null },
      },
      (e) => events.push(e),
    );
    closers.push(() => relay.close());
    const client = connect({ port: relay.local.port, host: '127.0.0.1' });
    await waitFor(() => serverSide !== null, 'the relay to connect on');
    const reset = new Promise<string | undefined>((resolve) => serverSide!.once('error', (e: NodeJS.ErrnoException) => resolve(e.code)));
    client.resetAndDestroy();
    expect(await reset).toBe('ECONNRESET');
    await waitFor(() => events.some((e) => e.kind === 'ended'), 'the end of the connection');
    expect(events.filter((e) => e.kind === 'ended')).toEqual([expect.objectContaining({ reset: true })]);
  });
});

describe('the relay command', () => {
  it('takes its options in any order, keeps what it lost in the job, and stops with kill', async () => {
    const echo = await udpEcho();
    const lines: string[] = [];
    const shell = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    closers.push(() => shell.close());
    await shell.run(`relay udp 0 127.0.0.1 ${echo.port} --seed 7 --loss 100 &`);
    await waitFor(() => lines.some((l) => l.startsWith('[1] relaying UDP')), 'the relay to start');
    const started = lines.find((l) => l.startsWith('[1] relaying UDP'))!;
    expect(started).toContain('(--loss 100 --seed 7)');
    const port = Number(/from \('127\.0\.0\.1', (\d+)\)/.exec(started)![1]);
    const client = await udpClient();
    for (const p of numbered(2)) client.socket.send(p, port, '127.0.0.1');
    await waitForAsync(async () => /lost datagram #2/.test((await shell.run('jobs %1')).out), 'two notes of lost datagrams');
    const notes = (await shell.run('jobs %1')).out;
    expect(notes).toMatch(/to the target 2 datagrams \(2 lost\)/);
    expect(notes).toMatch(/lost datagram #1 to the target: 10 bytes b'datagram 1'/);
    expect(echo.got).toEqual([]);
    await shell.run('kill %1');
    expect(lines).toContain('[1] relay stopped: to the target 2 datagrams (2 lost); back 0 datagrams; 1 client');
  });

  it("log on shows what crosses the relay, both ways, as socat -v -x does its relay's", async () => {
    const echo = await udpEcho();
    const lines: string[] = [];
    const shell = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    const traffic = (): string[] => lines.filter((l) => /^[<>] /.test(l));
    closers.push(() => shell.close());
    await shell.run('log on');
    await shell.run(`relay udp 0 127.0.0.1 ${echo.port} &`);
    await waitFor(() => lines.some((l) => l.startsWith('[1] relaying UDP')), 'the relay to start');
    const port = Number(/from \('127\.0\.0\.1', (\d+)\)/.exec(lines.find((l) => l.startsWith('[1] relaying UDP'))!)![1]);
    const client = await udpClient();
    client.socket.send('hello', port, '127.0.0.1');
    await waitFor(() => client.got.length === 1, 'the echo back through the relay');
    await waitFor(
      () => traffic().length === 2,
      () => `two log entries; saw ${lines.join(' | ')}`,
    );
    const from = `127.0.0.1:${client.socket.address().port}`;
    expect(traffic().map((t) => t.replace(/^(.) \S+Z/, '$1 TIME'))).toEqual([
      `> TIME relay ${from} > 127.0.0.1:${echo.port} UDP 5 bytes`,
      `< TIME relay ${from} < 127.0.0.1:${echo.port} UDP 5 bytes`,
    ]);
    expect(lines.filter((l) => l.startsWith('  00000000  68 65 6c 6c 6f ') && l.endsWith('|hello|'))).toHaveLength(2);
  });
});
