/**
 * sendfile and recvfile against real sockets on 127.0.0.1 (port 0): byte-identical files, NBYTES,
 * EOF, backpressure from a slow reader in both directions, timeouts, and the errors of bad files and
 * wrong sockets.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SocketHandle } from '../src/engine/types.js';
import { progressLine, size } from '../src/commands/progress.js';
import { streamOutput } from '../src/run/stream-output.js';
import { fails, rig, until, type Rig } from './engine-helpers.js';
import { kernelTcpCeiling, tcpQueues } from './helpers/kernel.js';

const dir = mkdtempSync(join(tmpdir(), 'sockshell-files-'));
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
let r: Rig;
const servers: net.Server[] = [];
const raws: net.Socket[] = [];

afterEach(async () => {
  for (const s of raws.splice(0)) s.destroy();
  await r.engine.closeAll();
  for (const s of servers.splice(0)) s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Waits until the kernel holds bytes in both the client's send queue and its peer's receive queue:
 * the reader is behind and the sender is being held back. Returns the client's bytesSent then. (No
 * clock: a sender that read the file ahead would have counted far more than the kernel can hold by
 * this point, whenever it is reached.)
 */
async function heldBackAt(client: SocketHandle, also: () => boolean = () => true): Promise<number> {
  const { local, peer } = r.engine.endpoints(client)!;
  await until(() => {
    if (!also()) return false;
    const mine = tcpQueues(local!.port, peer!.port);
    const theirs = tcpQueues(peer!.port, local!.port);
    return mine !== null && theirs !== null && mine.tx > 0 && theirs.rx > 0;
  });
  return r.engine.info(client).bytesSent;
}

function file(name: string, bytes: number): { path: string; data: Buffer } {
  const data = randomBytes(bytes);
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data };
}

/** A connected pair of engine sockets: client and the connection accept returned. */
async function pair(): Promise<{ client: SocketHandle; conn: SocketHandle }> {
  const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
  const { port } = await r.engine.bind(server, '127.0.0.1', 0);
  await r.engine.listen(server, 5);
  const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
  await r.engine.connect(client, '127.0.0.1', port, {});
  const { socket: conn } = await r.engine.accept(server, { owner: 'main', name: 'connectionSocket' });
  return { client, conn };
}

/** An engine client connected to a raw Node peer (a reader that can be slow, or a writer that closes). */
async function toRawPeer(): Promise<{ client: SocketHandle; peer: net.Socket }> {
  let peer: net.Socket | null = null;
  const s = net.createServer({ pauseOnConnect: true }, (socket) => {
    peer = socket;
    raws.push(socket);
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
  await r.engine.connect(client, '127.0.0.1', (s.address() as net.AddressInfo).port, {});
  await until(() => peer !== null);
  return { client, peer: peer! };
}

describe('sendfile and recvfile', () => {
  it('move a file byte for byte until EOF, and count the bytes both ways', async () => {
    r = rig();
    const { path, data } = file('eight.bin', 8 * 1024 * 1024 + 123);
    const out = join(dir, 'eight.out');
    const { client, conn } = await pair();
    const receiving = r.engine.recvfile(conn, out, null, {});
    const sent = await r.engine.sendfile(client, path, {});
    r.engine.close(client); // FIN: recvfile ends at EOF
    expect(await receiving).toBe(data.length);
    expect(sent).toBe(data.length);
    expect(sha(readFileSync(out))).toBe(sha(data));
    expect(r.engine.info(conn)).toMatchObject({ bytesReceived: data.length, state: 'CLOSE_WAIT', waiting: null });
  });

  it('recvfile with NBYTES stops there and leaves the rest queued for recv', async () => {
    r = rig();
    const { path, data } = file('nbytes.bin', 300_000);
    const out = join(dir, 'nbytes.out');
    const { client, conn } = await pair();
    await r.engine.sendfile(client, path, {});
    expect(await r.engine.recvfile(conn, out, 200_000, {})).toBe(200_000);
    expect(sha(readFileSync(out))).toBe(sha(data.subarray(0, 200_000)));
    let rest = Buffer.alloc(0);
    while (rest.length < 100_000) rest = Buffer.concat([rest, await r.engine.recv(conn, 65536, {})]);
    expect(sha(rest)).toBe(sha(data.subarray(200_000)));
    expect(await r.engine.recvfile(conn, out, 0, {})).toBe(0); // nothing asked: an empty file
    expect(statSync(out).size).toBe(0);
  });

  it('recvfile returns what came before EOF, also less than NBYTES, and an empty file for a peer that sent nothing', async () => {
    r = rig();
    const { client, conn } = await pair();
    await r.engine.send(client, Buffer.from('abc'), {});
    void r.engine.shutdown(client, 'wr');
    const out = join(dir, 'eof.out');
    expect(await r.engine.recvfile(conn, out, 1000, {})).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('abc');
    expect(await r.engine.recvfile(conn, out, null, {})).toBe(0);
    expect(statSync(out).size).toBe(0);
  });

  it('sendfile waits for a slow reader without reading the file ahead, and finishes once it reads', async () => {
    r = rig();
    // Both kernel buffers and sendfile's two 1 MiB chunks; the file is larger by a margin.
    const bound = kernelTcpCeiling() + (2 << 20);
    const { path, data } = file('slow.bin', bound + (16 << 20));
    const { client, peer } = await toRawPeer(); // paused: it reads nothing yet
    let done = false;
    const sending = r.engine.sendfile(client, path, {}).then((n) => ((done = true), n));
    sending.catch(() => undefined); // a failed expect below must not leave it unhandled
    const sent = await heldBackAt(client);
    expect(done).toBe(false);
    expect(r.engine.info(client).waiting).toBe('sendfile');
    // What left the file is bounded by the kernel's buffers and a chunk or two, not the file's size.
    expect(sent).toBeLessThanOrEqual(bound);
    const hash = createHash('sha256');
    let got = 0;
    peer.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      got += chunk.length;
    });
    peer.resume();
    expect(await sending).toBe(data.length);
    r.engine.close(client);
    await until(() => got === data.length);
    expect(hash.digest('hex')).toBe(sha(data));
  }, 60_000); // tens of MiB through a paused reader: seconds on a loaded machine

  it('recvfile stops reading while the file falls behind (a FIFO nobody reads), then catches up', async () => {
    if (spawnSync('mkfifo', [join(dir, 'probe')]).status !== 0) return; // no mkfifo here
    r = rig({ tcpQueueBytes: 256 * 1024 });
    const fifo = join(dir, 'slow.fifo');
    spawnSync('mkfifo', [fifo]);
    // What can leave the sender before it must wait: recvfile's 16 MiB of writes behind, the socket
    // queue's cap plus one read, both kernel buffers, sendfile's two 1 MiB chunks and the FIFO's
    // buffer (64 KiB, 1 MiB at most). The file is larger by a margin, so a sender that was not held
    // back would finish it.
    const bound = (16 << 20) + 256 * 1024 + 65536 + kernelTcpCeiling() + (2 << 20) + (1 << 20);
    const { path, data } = file('fifo.bin', bound + (16 << 20));
    const { client, conn } = await pair();
    const reader = createReadStream(fifo);
    reader.pause();
    const receiving = r.engine.recvfile(conn, fifo, null, {});
    const sending = r.engine.sendfile(client, path, {});
    for (const p of [receiving, sending]) p.catch(() => undefined); // a failed expect below must not leave them unhandled
    const sent = await heldBackAt(client, () => r.of('paused').length > 0);
    expect(sent).toBeLessThanOrEqual(bound);
    expect(r.engine.info(conn).queued.count).toBeLessThanOrEqual(256 * 1024 + 65536);
    expect(r.engine.info(client).waiting).toBe('sendfile');
    // recvfile drains what paused, so no pause of its connection is news for the user.
    expect(r.of('paused').length).toBeGreaterThan(0);
    expect(r.of('paused').filter((e) => !e.taken)).toEqual([]);
    const hash = createHash('sha256');
    reader.on('data', (chunk) => hash.update(chunk as Buffer));
    reader.resume();
    expect(await sending).toBe(data.length);
    r.engine.close(client);
    expect(await receiving).toBe(data.length);
    await new Promise<void>((resolve) => reader.on('close', () => resolve()));
    expect(hash.digest('hex')).toBe(sha(data));
  }, 60_000); // tens of MiB through a paused reader: seconds on a loaded machine

  it('a wait that makes no progress times out under settimeout; the file so far stays written', async () => {
    r = rig();
    const { client, conn } = await pair();
    r.engine.settimeout(conn, 0.2);
    await r.engine.send(client, Buffer.from('partial'), {});
    const out = join(dir, 'timeout.out');
    await fails(r.engine.recvfile(conn, out, null, {}), 'ETIMEDOUT', 'TimeoutError');
    expect(readFileSync(out, 'utf8')).toBe('partial');
    expect(r.engine.info(conn).waiting).toBe(null);
  });

  it('Ctrl-C (abort) ends a transfer with EINTR', async () => {
    r = rig();
    const { client, conn } = await pair();
    const controller = new AbortController();
    const receiving = r.engine.recvfile(conn, join(dir, 'abort.out'), null, { signal: controller.signal });
    await until(() => r.engine.info(conn).waiting === 'recvfile');
    controller.abort();
    await fails(receiving, 'EINTR');
    expect(r.engine.info(client).state).toBe('ESTABLISHED');
  });

  it('reports progress as it goes, with the total when it is known', async () => {
    r = rig();
    const { path, data } = file('progress.bin', 3 * 1024 * 1024);
    const { client, conn } = await pair();
    const seen: [number, number | null][] = [];
    const receiving = r.engine.recvfile(conn, join(dir, 'progress.out'), data.length, { onProgress: (d, t) => seen.push([d, t]) });
    const sends: number[] = [];
    await r.engine.sendfile(client, path, { onProgress: (d, t) => sends.push(d) && expect(t).toBe(data.length) });
    await receiving;
    expect(sends.at(-1)).toBe(data.length);
    expect(seen.at(-1)).toEqual([data.length, data.length]);
    expect(seen.every(([d], i) => i === 0 || d > seen[i - 1]![0])).toBe(true);
  });

  it('explain bad files and wrong sockets', async () => {
    r = rig();
    const { client, conn } = await pair();
    await fails(r.engine.sendfile(client, join(dir, 'missing.bin'), {}), 'ENOENT', 'FileNotFoundError', /there is no file .*missing\.bin/);
    await fails(
      r.engine.recvfile(conn, join(dir, 'no-such-dir', 'x'), null, {}),
      'ENOENT',
      'FileNotFoundError',
      /directory does not exist/,
    );
    await fails(r.engine.sendfile(client, dir, {}), 'EISDIR', 'IsADirectoryError');
    const udp = r.engine.create('udp', 4, { owner: 'main' });
    await fails(
      r.engine.sendfile(udp, join(dir, 'eight.bin'), {}),
      'EOPNOTSUPP',
      'ValueError',
      /UDP socket; sendfile streams a file over a TCP connection/,
    );
    const fresh = r.engine.create('tcp', 4, { owner: 'main' });
    await fails(r.engine.recvfile(fresh, join(dir, 'x'), null, {}), 'ENOTCONN');
    await fails(r.engine.sendfile(fresh, join(dir, 'x'), {}), 'EPIPE');
    const busy = r.engine.recvfile(conn, join(dir, 'busy.out'), null, {});
    await fails(r.engine.recv(conn, 10, {}), 'EBUSY');
    r.engine.close(conn);
    await fails(busy, 'EBADF');
  });
});

describe('the progress line', () => {
  it('says bytes, rate and time left, or bytes and rate without a total', () => {
    expect(progressLine('sendfile', 512 * 2 ** 20, 2 ** 30, 0.5)).toBe('sendfile: 512.0 MiB of 1.00 GiB (50%), 1.00 GiB/s, 0.5 s left');
    expect(progressLine('recvfile', 3 * 2 ** 20, null, 2)).toBe('recvfile: 3.0 MiB, 1.5 MiB/s');
    expect([size(812), size(65536), size(1.5 * 2 ** 30)]).toEqual(['812 B', '64.0 KiB', '1.50 GiB']);
  });

  it('is drawn in place on a terminal, and never written to a pipe', () => {
    const sink = (tty: boolean) => {
      const written: string[] = [];
      const stream = Object.assign(new Writable({ write: (c, _e, done) => (written.push(String(c)), done()) }), { isTTY: tty });
      return { stream, written };
    };
    for (const tty of [true, false]) {
      const out = sink(tty);
      const err = sink(tty);
      const o = streamOutput({ io: { stdout: out.stream, stderr: err.stream }, verbose: true });
      o({ kind: 'progress', text: 'sendfile: 1.0 MiB' });
      o({ kind: 'progress', text: null });
      expect(out.written).toEqual([]);
      expect(err.written).toEqual(tty ? ['\r\x1b[Ksendfile: 1.0 MiB', '\r\x1b[K'] : []);
    }
  });
});
