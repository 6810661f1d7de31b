/**
 * The stream reads (recvline, recvuntil, recvexactly, peek: issue 13) against real TCP connections on
 * loopback: they share the receive queue with recv, find a delimiter split across the pieces the
 * bytes arrived in, wait as recv waits (timeout, one call at a time), and at the end of the stream take
 * nothing and say what is left.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketHandle, StreamReadResult } from '../src/engine/types.js';
import { ByteQueue } from '../src/engine/queues.js';
import { fails, rig, until, type Rig } from './engine-helpers.js';

let r: Rig;
const servers: net.Server[] = [];
afterEach(async () => {
  await (r as Rig | undefined)?.engine.closeAll(); // the ByteQueue cases make no engine
  for (const s of servers.splice(0)) s.close();
});

/** A client connected to a raw Node peer, which the test writes to (and ends) piece by piece. */
async function toPeer(options: { tcpQueueBytes?: number } = {}): Promise<{ client: SocketHandle; peer: net.Socket }> {
  r = rig(options);
  let peer: net.Socket | null = null;
  const server = net.createServer((s) => {
    // closeAll closes the client with bytes unread in some cases: that is a reset (RST), which the peer hears as ECONNRESET.
    s.on('error', () => {});
    peer = s;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
  await r.engine.connect(client, '127.0.0.1', (server.address() as net.AddressInfo).port, {});
  await until(() => peer !== null);
  return { client, peer: peer! };
}

const text = (got: StreamReadResult): string => (got.kind === 'data' ? got.data.toString('latin1') : `${got.kind}`);

describe('ByteQueue.indexOf across chunks', () => {
  const cases: [chunks: string[], delim: string, at: number][] = [
    [['abc\r', '\ndef'], '\r\n', 3],
    [['a', 'b', 'c', '\r', '\n'], '\r\n', 3],
    [['xx\r\n\r', '\n'], '\r\n\r\n', 2],
    [['x\r', '\n', '\r', '\n'], '\r\n\r\n', 1],
    [['abc'], 'd', -1],
    [['ab', 'ab', 'ab'], 'bab', 1],
    [['aaaa'], 'aa', 0],
  ];
  it.each(cases)('%j for %j', (chunks, delim, at) => {
    const q = new ByteQueue();
    for (const c of chunks) q.push(Buffer.from(c, 'latin1'));
    expect(q.indexOf(Buffer.from(delim, 'latin1'))).toBe(at);
    expect(q.peek(100).toString('latin1')).toBe(chunks.join('')); // looking takes nothing
    expect(q.total).toBe(chunks.join('').length);
  });
});

describe('stream reads', () => {
  it('take exactly what they ask for and leave the rest for recv, across pieces', async () => {
    const { client, peer } = await toPeer();
    const e = r.engine;
    const line = e.readStream(client, { call: 'recvline', delim: Buffer.from('\n') }, {});
    peer.write('PI');
    await until(() => r.of('received').length === 1);
    peer.write('NG\nQUIT\n\x00\x00\x00\x05hello world');
    expect(text(await line)).toBe('PING\n');
    expect(text(await e.readStream(client, { call: 'peek', n: 2 }, {}))).toBe('QU');
    expect(text(await e.readStream(client, { call: 'recvuntil', delim: Buffer.from('T\n') }, {}))).toBe('QUIT\n');
    const header = await e.readStream(client, { call: 'recvexactly', n: 4 }, {});
    expect(header.kind === 'data' && header.data.readUInt32BE(0)).toBe(5);
    expect(text(await e.readStream(client, { call: 'recvexactly', n: 5 }, {}))).toBe('hello');
    expect((await e.recv(client, 100, {})).toString()).toBe(' world');
    // The diagram hears what each call took, by its own name; peek took nothing.
    expect(r.of('returned').map((x) => `${x.call} ${x.bytes}`)).toEqual([
      'recvline 5',
      'recvuntil 5',
      'recvexactly 4',
      'recvexactly 5',
      'recv 6',
    ]);
  });

  it("at the end of the stream: b'' with nothing left, else the bytes left, still queued", async () => {
    const { client, peer } = await toPeer();
    const e = r.engine;
    peer.end('half a line');
    const got = await e.readStream(client, { call: 'recvline', delim: Buffer.from('\n') }, {});
    expect(got).toEqual({ kind: 'ended', left: Buffer.from('half a line') });
    expect(await e.readStream(client, { call: 'recvexactly', n: 20 }, {})).toEqual({ kind: 'ended', left: Buffer.from('half a line') });
    expect((await e.recv(client, 100, {})).toString()).toBe('half a line');
    expect(await e.readStream(client, { call: 'recvexactly', n: 20 }, {})).toEqual({ kind: 'ended', left: Buffer.alloc(0) });
    expect(text(await e.readStream(client, { call: 'peek', n: 20 }, {}))).toBe('ended');
  });

  it('respect settimeout, keeping what arrived; and one blocking call at a time', async () => {
    const { client, peer } = await toPeer();
    const e = r.engine;
    peer.write('no newline yet');
    e.settimeout(client, 0.05);
    await fails(e.readStream(client, { call: 'recvline', delim: Buffer.from('\n') }, {}), 'ETIMEDOUT');
    e.settimeout(client, 0);
    await fails(e.readStream(client, { call: 'recvexactly', n: 100 }, {}), 'EAGAIN');
    e.settimeout(client, null);
    const waiting = e.readStream(client, { call: 'recvexactly', n: 20 }, {});
    await fails(e.recv(client, 10, {}), 'EBUSY');
    peer.write('!!!!!!');
    expect(text(await waiting)).toBe('no newline yet!!!!!!');
  });

  it('recvexactly reads past the queue limit; recvuntil with a full queue and no delimiter says so', async () => {
    const { client, peer } = await toPeer({ tcpQueueBytes: 1000 });
    const e = r.engine;
    const big = e.readStream(client, { call: 'recvexactly', n: 5000 }, {});
    peer.write(Buffer.alloc(6000, 0x61));
    const got = await big;
    expect(got.kind === 'data' && got.data.length).toBe(5000);
    await until(() => r.of('paused').length > 0);
    expect(await e.readStream(client, { call: 'recvuntil', delim: Buffer.from('\n') }, {})).toEqual({ kind: 'full', queued: 1000 });
  });

  it('are for TCP: a UDP socket says to use recvfrom', async () => {
    r = rig();
    const u = r.engine.create('udp', 4, { name: 'u', owner: 'main' });
    await fails(
      r.engine.readStream(u, { call: 'recvline', delim: Buffer.from('\n') }, {}),
      'EOPNOTSUPP',
      'OSError',
      /recvfrom takes one whole datagram/,
    );
  });
});
