import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL } from './fuzz/settings.js';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * No byte is lost, duplicated or reordered on its way through the shell. A loop written in the
 * sockshell language relays a peer's stream to another peer (recv, then sendall); both ends hash
 * what they saw. The same with a receiver slower than the sender, so every send waits for room,
 * and the same through a file with recvfile and sendfile.
 * And every datagram below the queue cap arrives, in order, while nobody reads.
 */
const STREAM = (FULL ? 1024 : 100) * 1024 * 1024;

let shell: CoreDriver | null = null;
const servers: net.Server[] = [];
afterEach(async () => {
  await shell?.close();
  shell = null;
  for (const s of servers.splice(0)) s.close();
});

async function listen(onConnection: (c: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** A peer that sends `total` random bytes as fast as TCP lets it, then FIN; resolves with their sha256. */
function source(total: number): { port: Promise<number>; sent: Promise<string> } {
  let done: (hash: string) => void;
  const sent = new Promise<string>((r) => (done = r));
  const pump = async (c: net.Socket): Promise<void> => {
    const hash = createHash('sha256');
    for (let left = total; left > 0;) {
      const chunk = randomBytes(Math.min(left, 256 * 1024));
      hash.update(chunk);
      left -= chunk.length;
      if (!c.write(chunk)) await new Promise((r) => c.once('drain', r));
    }
    c.end();
    done(hash.digest('hex'));
  };
  const port = listen((c) => void pump(c));
  return { port, sent };
}

/** A peer that hashes all it receives; `slow` pauses it 2 ms every 256 kB, so it reads slower than the source sends. */
function sink(slow: boolean): { port: Promise<number>; received: Promise<{ hash: string; bytes: number }> } {
  let done: (r: { hash: string; bytes: number }) => void;
  const received = new Promise<{ hash: string; bytes: number }>((r) => (done = r));
  const port = listen((c) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let sincePause = 0;
    c.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
      sincePause += d.length;
      if (slow && sincePause >= 256 * 1024) {
        sincePause = 0;
        c.pause();
        setTimeout(() => c.resume(), 2);
      }
    });
    c.on('end', () => done({ hash: hash.digest('hex'), bytes }));
  });
  return { port, received };
}

const RELAY = `while true
  d = a.recv 65536
  if $d == ''
    break
  end
  b.sendall $d
end
b.close`;

describe('no data lost', () => {
  it.each([
    ['as fast as it goes', false],
    ['with a receiver slower than the sender', true],
  ])(
    `${STREAM / 2 ** 20} MiB of random bytes relayed by a recv/sendall loop arrive byte-identical (%s)`,
    async (_what, slow) => {
      shell = new CoreDriver();
      const from = source(STREAM);
      const to = sink(slow);
      await shell.ok(`a = tcp.connect 127.0.0.1 ${await from.port}`, `b = tcp.connect 127.0.0.1 ${await to.port}`);
      const ran = await shell.run(RELAY, 120_000);
      expect(ran.err).toBe('');
      const [sent, received] = await Promise.all([from.sent, to.received]);
      expect(received.bytes).toBe(STREAM);
      expect(received.hash).toBe(sent);
    },
    180_000,
  );

  it.each([
    ['as fast as it goes', false],
    ['with a receiver slower than the sender', true],
  ])(
    `${STREAM / 2 ** 20} MiB through recvfile into a file and sendfile out of it arrive byte-identical (%s)`,
    async (_what, slow) => {
      shell = new CoreDriver();
      const dir = mkdtempSync(join(tmpdir(), 'sockshell-files-'));
      try {
        const from = source(STREAM);
        const to = sink(slow);
        const file = join(dir, 'relay.bin');
        await shell.ok(`a = tcp.connect 127.0.0.1 ${await from.port}`, `got = a.recvfile '${file}'`);
        const sent = await from.sent;
        expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(sent);
        await shell.ok(`b = tcp.connect 127.0.0.1 ${await to.port}`, `put = b.sendfile '${file}'`, 'b.close');
        const received = await to.received;
        expect(await shell.ok('print $got $put')).toBe(`${STREAM} ${STREAM}\n`);
        expect(received.bytes).toBe(STREAM);
        expect(received.hash).toBe(sent);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );

  it('every datagram below the cap arrives in order while nobody reads; past it, exactly the excess is dropped', async () => {
    shell = new CoreDriver();
    const cap = 4096;
    const extra = FULL ? 1000 : 100;
    const size = 512; // 4196 × 512 B stays under the 4 MiB byte cap: the datagram cap is the one reached
    await shell.ok('u = udp.bind 127.0.0.1 0', 'ua = u.getsockname');
    const port = shell.core.session.engine.list()[0]!.local!.port;
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
    const datagram = (i: number) => Buffer.concat([Buffer.from(String(i).padStart(8, '0')), randomBytes(size - 8)]);
    const sent: Buffer[] = [];
    try {
      // Paced, so the kernel's own receive buffer never overflows: any loss would be the engine's.
      for (let i = 0; i < cap + extra; i++) {
        const d = datagram(i);
        sent.push(d);
        peer.send(d, port, '127.0.0.1');
        if (i % 32 === 31) await new Promise((r) => setImmediate(r));
      }
      const engine = shell.core.session.engine;
      await waitFor(() => engine.list()[0]!.queued.count + engine.list()[0]!.dropped === cap + extra, 'every datagram queued or dropped');
      expect(await shell.ok('sockets')).toMatch(
        new RegExp(`${cap} datagrams \\(${cap * size} B\\); dropped: ${extra} by the shell's queue`),
      );
      // The shell hands each queued datagram on over TCP; the peer checks they are the first `cap` sent, in order.
      const got: Buffer[] = [];
      const collector = await listen((c) => c.on('data', (d: Buffer) => got.push(d)));
      await shell.ok(`t = tcp.connect 127.0.0.1 ${collector}`);
      const ran = await shell.run(`repeat ${cap}\n  m, from = u.recvfrom 2048\n  t.sendall $m\nend\nt.close`);
      expect(ran.err).toBe('');
      await waitFor(() => Buffer.concat(got).length === cap * size, 'the collector to get every datagram');
      expect(Buffer.concat(got).equals(Buffer.concat(sent.slice(0, cap)))).toBe(true);
      await shell.ok('u.settimeout 0');
      expect((await shell.run('u.recvfrom 2048')).err).toMatch(/EAGAIN/); // nothing beyond the cap was kept
    } finally {
      peer.close();
    }
  }, 60_000);
});
