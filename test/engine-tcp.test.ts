/** The TCP half of the engine, against real sockets on loopback (port 0 everywhere). */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address, SocketHandle } from '../src/engine/types.js';
import { closedTcpPort, fails, rig, until, type Rig } from './engine-helpers.js';

const main = { owner: 'main' };
let r: Rig;
const servers: net.Server[] = [];

afterEach(async () => {
  await r.engine.closeAll();
  for (const s of servers.splice(0)) s.close();
});

/** A welcoming socket listening on 127.0.0.1 (bind, then listen). */
async function welcoming(backlog = 5): Promise<{ server: SocketHandle; port: number }> {
  const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
  const { port } = await r.engine.bind(server, '127.0.0.1', 0);
  await r.engine.listen(server, backlog);
  return { server, port };
}

/** A connected pair: client and the socket accept returned. */
async function connected(): Promise<{ server: SocketHandle; client: SocketHandle; conn: SocketHandle; port: number; addr: Address }> {
  const { server, port } = await welcoming();
  const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
  await r.engine.connect(client, '127.0.0.1', port, {});
  const { socket: conn, address: addr } = await r.engine.accept(server, { owner: 'main', name: 'connectionSocket' });
  if (addr === null) throw new Error('accept did not know the address of a client of this process');
  return { server, client, conn, port, addr };
}

/** A raw Node server for peers the engine cannot play (one that resets, one that never reads). */
async function rawServer(onConnection: (s: net.Socket) => void): Promise<number> {
  const s = net.createServer(onConnection);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return (s.address() as net.AddressInfo).port;
}

describe('TCP connections', () => {
  it('handshakes: bind, listen, connect, accept, with events and addresses', async () => {
    r = rig();
    const { server, client, conn, port, addr } = await connected();
    expect(conn.name).toBe('connectionSocket');
    expect(r.engine.info(server)).toMatchObject({ state: 'LISTEN', local: { host: '127.0.0.1', port } });
    const clientLocal = r.engine.getsockname(client);
    expect(addr).toEqual(clientLocal);
    expect(r.engine.getpeername(conn)).toEqual(clientLocal);
    expect(r.engine.getpeername(client)).toEqual({ host: '127.0.0.1', port, family: 4 });
    expect(r.engine.getsockname(conn)).toEqual({ host: '127.0.0.1', port, family: 4 });
    expect(r.engine.info(client).state).toBe('ESTABLISHED');
    expect(r.engine.info(conn)).toMatchObject({ state: 'ESTABLISHED', transport: 'tcp', owner: 'main' });
    expect(r.of('bound').map((e) => [e.socket, e.implicit])).toEqual([
      ['serverSocket', false],
      ['clientSocket', true],
    ]);
    expect(r.of('connected')).toEqual([
      {
        kind: 'connected',
        serial: client.serial,
        socket: 'clientSocket',
        transport: 'tcp',
        local: clientLocal,
        remote: { host: '127.0.0.1', port, family: 4 },
        named: null,
      },
    ]);
    expect(r.of('incoming')).toEqual([
      { kind: 'incoming', serial: server.serial, socket: 'serverSocket', from: clientLocal, pending: 1, taken: false },
    ]);
    // The welcoming socket stays open for the next client.
    expect(r.engine.info(server).queued).toMatchObject({ unit: 'connections', count: 0, bytes: 0 });
  });

  it('names accepted sockets conn1, conn2 and marks an incoming taken by a waiting accept', async () => {
    r = rig();
    const { server, port } = await welcoming();
    const accepting = r.engine.accept(server, main);
    const c1 = r.engine.create('tcp', 4, main);
    await r.engine.connect(c1, '127.0.0.1', port, {});
    expect((await accepting).socket.name).toBe('conn1');
    expect(r.of('incoming')[0]?.taken).toBe(true);
    const c2 = r.engine.create('tcp', 4, main);
    await r.engine.connect(c2, '127.0.0.1', port, {});
    await until(() => r.engine.info(server).queued.count === 1);
    expect((await r.engine.accept(server, main)).socket.name).toBe('conn2');
  });

  it('listens on an ephemeral port of the any-address when not bound', async () => {
    r = rig();
    const s = r.engine.create('tcp', 4, main);
    const local = await r.engine.listen(s, 1);
    expect(local.host).toBe('0.0.0.0');
    expect(local.port).toBeGreaterThan(0);
    expect(r.of('bound')).toEqual([{ kind: 'bound', serial: s.serial, socket: 'tcp1', transport: 'tcp', address: local, implicit: true }]);
    expect(await r.engine.listen(s, 1)).toEqual(local);
    const c = r.engine.create('tcp', 4, main);
    await r.engine.connect(c, '127.0.0.1', local.port, {});
  });

  it('refuses a client that connects between bind and listen, as Python does', async () => {
    r = rig();
    const server = r.engine.create('tcp', 4, main);
    const { port } = await r.engine.bind(server, '', 0);
    expect(r.engine.info(server)).toMatchObject({ state: 'BOUND', local: { host: '0.0.0.0', port } });
    const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    await fails(r.engine.connect(client, '127.0.0.1', port, {}), 'ECONNREFUSED');
    expect(r.engine.info(client).state).toBe('UNBOUND');
    expect((await r.engine.listen(server, 1)).port).toBe(port);
    await r.engine.connect(client, '127.0.0.1', port, {});
  });

  it('refuses a connection to a closed port, and the socket can connect again', async () => {
    r = rig();
    const port = await closedTcpPort();
    const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    await fails(
      r.engine.connect(client, '127.0.0.1', port, {}),
      'ECONNREFUSED',
      'ConnectionRefusedError',
      new RegExp(
        `^ECONNREFUSED: nothing is listening on 127\\.0\\.0\\.1 port ${port} — start the server first \\(ConnectionRefusedError\\)$`,
      ),
    );
    expect(r.engine.info(client).state).toBe('UNBOUND');
    const { port: live } = await welcoming();
    await r.engine.connect(client, '127.0.0.1', live, {});
  });

  it('connects from a bound address', async () => {
    r = rig();
    const { port } = await welcoming();
    const client = r.engine.create('tcp', 4, main);
    const { port: mine } = await r.engine.bind(client, '127.0.0.1', 0);
    const { local } = await r.engine.connect(client, '127.0.0.1', port, {});
    expect(local.port).toBe(mine);
    expect(r.of('bound').filter((e) => e.implicit)).toEqual([]);
  });

  it('works over IPv6', async () => {
    r = rig();
    const server = r.engine.create('tcp', 6, main);
    const { port } = await r.engine.bind(server, '::1', 0);
    await r.engine.listen(server, 1);
    const client = r.engine.create('tcp', 6, main);
    await r.engine.connect(client, '::1', port, {});
    const { socket, address } = await r.engine.accept(server, main);
    expect(address).toMatchObject({ host: '::1', family: 6 });
    await r.engine.sendall(client, Buffer.from('v6'), {});
    expect((await r.engine.recv(socket, 10, {})).toString()).toBe('v6');
  });

  it('refuses an already aborted connect and stays unconnected', async () => {
    r = rig();
    const { port } = await welcoming();
    const client = r.engine.create('tcp', 4, main);
    const ac = new AbortController();
    ac.abort();
    await fails(r.engine.connect(client, '127.0.0.1', port, { signal: ac.signal }), 'EINTR', 'KeyboardInterrupt');
    expect(r.engine.info(client).state).toBe('UNBOUND');
    r.engine.settimeout(client, 0);
    await fails(r.engine.connect(client, '127.0.0.1', port, {}), 'EAGAIN');
    r.engine.settimeout(client, 1);
    await r.engine.connect(client, '127.0.0.1', port, {});
  });
});

describe('TCP byte stream', () => {
  it('delivers two sends in one recv, and recv(n) takes at most n bytes', async () => {
    r = rig();
    const { client, conn } = await connected();
    expect(await r.engine.send(client, Buffer.from('hello '), {})).toBe(6);
    expect(await r.engine.send(client, Buffer.from('world'), {})).toBe(5);
    await until(() => r.engine.info(conn).queued.count === 11);
    expect(r.engine.info(conn).queued).toEqual({ unit: 'bytes', count: 11, bytes: 11 });
    expect((await r.engine.recv(conn, 100, {})).toString()).toBe('hello world');
    await r.engine.sendall(client, Buffer.from('abcdef'), {});
    await until(() => r.engine.info(conn).queued.count === 6);
    expect((await r.engine.recv(conn, 4, {})).toString()).toBe('abcd');
    const rest = await r.engine.recvfrom(conn, 4, {});
    expect(rest).toEqual({ data: Buffer.from('ef'), address: null });
    expect(r.engine.info(client).bytesSent).toBe(17);
    expect(r.engine.info(conn).bytesReceived).toBe(17);
    expect(r.engine.info(conn).queued.count).toBe(0);
    expect((await r.engine.recv(conn, 0, {})).length).toBe(0);
  });

  it('returns b"" after the peer closes (EOF), after the queued data', async () => {
    r = rig();
    const { client, conn } = await connected();
    await r.engine.sendall(client, Buffer.from('bye'), {});
    r.engine.close(client);
    await until(() => r.of('eof').length === 1);
    expect(r.of('eof')[0]).toEqual({ kind: 'eof', serial: conn.serial, socket: 'connectionSocket', queued: 3, taken: false, end: 'fin' });
    expect(r.engine.info(conn).state).toBe('CLOSE_WAIT');
    expect((await r.engine.recv(conn, 10, {})).toString()).toBe('bye');
    expect((await r.engine.recv(conn, 10, {})).length).toBe(0);
    expect((await r.engine.recv(conn, 10, {})).length).toBe(0);
  });

  it('marks data taken when a recv was waiting for it', async () => {
    r = rig();
    const { client, conn } = await connected();
    const waiting = r.engine.recv(conn, 100, {});
    await r.engine.send(client, Buffer.from('ping'), {});
    expect((await waiting).toString()).toBe('ping');
    expect(r.of('received')).toEqual([
      {
        kind: 'received',
        serial: conn.serial,
        socket: 'connectionSocket',
        transport: 'tcp',
        bytes: 4,
        from: r.engine.getpeername(conn),
        queued: 4,
        taken: true,
        data: Buffer.from('ping'),
      },
    ]);
  });

  it('wakes a waiting recv with b"" at EOF', async () => {
    r = rig();
    const { client, conn } = await connected();
    const waiting = r.engine.recv(conn, 10, {});
    r.engine.close(client);
    expect((await waiting).length).toBe(0);
  });

  it('half-closes: after shutdown wr the peer reads EOF and can still answer', async () => {
    r = rig();
    const { client, conn } = await connected();
    await r.engine.sendall(client, Buffer.from('question'), {});
    void r.engine.shutdown(client, 'wr');
    expect(r.engine.info(client).state).toBe('FIN_WAIT');
    await fails(
      r.engine.send(client, Buffer.from('more'), {}),
      'EPIPE',
      'BrokenPipeError',
      /clientSocket was shut down for writing \(its FIN went\)/,
    );
    expect((await r.engine.recv(conn, 100, {})).toString()).toBe('question');
    expect((await r.engine.recv(conn, 100, {})).length).toBe(0);
    await r.engine.sendall(conn, Buffer.from('ANSWER'), {});
    expect((await r.engine.recv(client, 100, {})).toString()).toBe('ANSWER');
    r.engine.close(conn);
    expect((await r.engine.recv(client, 100, {})).length).toBe(0);
    expect(r.engine.info(client).state).toBe('SHUT_DOWN');
  });

  it('after shutdown rd, recv never waits but returns what arrived, then b"", as Linux\'s (python3 shows the same)', async () => {
    r = rig();
    const { client, conn } = await connected();
    const waiting = r.engine.recv(conn, 10, {});
    void r.engine.shutdown(conn, 'rd');
    expect((await waiting).length).toBe(0);
    await r.engine.sendall(client, Buffer.from('kept'), {});
    // Linux discards nothing on SHUT_RD: the bytes are there for recv (in the kernel, or the shell's queue).
    await until(() => r.engine.info(conn).queued.count === 4);
    expect((await r.engine.recv(conn, 10, {})).toString()).toBe('kept');
    expect((await r.engine.recv(conn, 10, {})).length).toBe(0);
    void r.engine.shutdown(conn, 'rdwr');
    expect((await r.engine.recv(client, 10, {})).length).toBe(0);
  });

  it('delivers queued data before a reset, then raises ECONNRESET once', async () => {
    r = rig();
    const port = await rawServer((s) => {
      s.write('partial');
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    await r.engine.connect(client, '127.0.0.1', port, {});
    await until(() => r.of('failed').length === 1);
    expect(r.of('failed')[0]).toEqual({ kind: 'failed', serial: client.serial, socket: 'clientSocket', code: 'ECONNRESET', taken: false }); // nobody waits: the next call reports it
    expect(r.engine.info(client).state).toBe('RESET');
    expect((await r.engine.recv(client, 100, {})).toString()).toBe('partial');
    await fails(r.engine.recv(client, 100, {}), 'ECONNRESET', 'ConnectionResetError', /the peer reset the connection of clientSocket/);
    expect((await r.engine.recv(client, 100, {})).length).toBe(0);
    await fails(r.engine.send(client, Buffer.from('x'), {}), 'EPIPE', 'BrokenPipeError');
  });

  it('stops reading past tcpQueueBytes (backpressure) and resumes as recv drains', async () => {
    r = rig({ tcpQueueBytes: 1000 });
    const total = 200_000;
    const port = await rawServer((s) => {
      s.end(Buffer.alloc(total, 7));
    });
    const client = r.engine.create('tcp', 4, main);
    await r.engine.connect(client, '127.0.0.1', port, {});
    await until(() => r.of('paused').length === 1);
    expect(r.of('paused')[0]?.queued).toBeGreaterThanOrEqual(1000);
    let got = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const chunk = await r.engine.recv(client, 4096, { maxWaitMs: 2000 });
      if (chunk.length === 0) break;
      got += chunk.length;
    }
    expect(got).toBe(total);
    expect(r.engine.info(client).bytesReceived).toBe(total);
    expect(r.of('paused').length).toBeGreaterThan(1);
  });

  it('marks a pause that comes before the queue ran empty as again (one notice per backlog)', async () => {
    r = rig({ tcpQueueBytes: 1000 });
    const port = await rawServer((s) => {
      s.on('error', () => undefined); // the client closes with bytes unread: a reset
      s.end(Buffer.alloc(1_000_000, 7));
    });
    const client = r.engine.create('tcp', 4, main);
    await r.engine.connect(client, '127.0.0.1', port, {});
    const queued = () => r.engine.info(client).queued.count;
    await until(() => r.of('paused').length === 1);
    await r.engine.recv(client, queued() - 500, {}); // below the cap, not empty: reading resumes
    await until(() => r.of('paused').length === 2);
    await r.engine.recv(client, queued(), {}); // empty
    await until(() => r.of('paused').length === 3);
    expect(r.of('paused').map((e) => e.again)).toEqual([false, true, false]);
  });

  it('waits for drain when the peer does not read; a timed-out send sent nothing and the socket stays usable', async () => {
    r = rig();
    let peer: net.Socket | null = null;
    let read = 0;
    const port = await rawServer((s) => {
      peer = s;
      s.pause();
      s.on('data', (d: Buffer) => {
        read += d.length;
      });
    });
    const client = r.engine.create('tcp', 4, main);
    await r.engine.connect(client, '127.0.0.1', port, {});
    const block = Buffer.alloc(1 << 20, 1);
    let timedOut = false;
    for (let i = 0; i < 200 && !timedOut; i += 1) {
      try {
        await r.engine.sendall(client, block, { maxWaitMs: 100 });
      } catch (err) {
        await fails(Promise.reject(err), 'ETIMEDOUT', 'TimeoutError', /sendall timed out/);
        timedOut = true;
      }
    }
    expect(timedOut).toBe(true);
    const sent = r.engine.info(client).bytesSent;
    expect(r.engine.info(client).waiting).toBeNull();
    (peer as net.Socket | null)?.resume();
    await r.engine.sendall(client, Buffer.from('end'), { maxWaitMs: 5000 });
    await until(() => read === sent + 3);
  });

  it('closeAll releases a closed socket whose peer never reads', async () => {
    r = rig();
    const port = await rawServer((s) => s.pause());
    const client = r.engine.create('tcp', 4, main);
    await r.engine.connect(client, '127.0.0.1', port, {});
    const block = Buffer.alloc(1 << 20, 1);
    let stuck = false;
    for (let i = 0; i < 200 && !stuck; i += 1) {
      stuck = await r.engine.sendall(client, block, { maxWaitMs: 50 }).then(
        () => false,
        () => true,
      );
    }
    expect(stuck).toBe(true);
    r.engine.close(client);
    await r.engine.closeAll(); // would hang if the lingering flush were not forced
    expect(r.engine.list()).toEqual([]);
  });

  it('flushes everything written before close', async () => {
    r = rig();
    const { client, conn } = await connected();
    const size = 3 << 20;
    await r.engine.sendall(client, Buffer.alloc(size, 2), {});
    r.engine.close(client);
    let got = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const chunk = await r.engine.recv(conn, 65536, { maxWaitMs: 2000 });
      if (chunk.length === 0) break;
      got += chunk.length;
    }
    expect(got).toBe(size);
  });
});

describe('TCP waiting', () => {
  it('times out recv and accept, leaving both usable', async () => {
    r = rig();
    const { server, client, conn, port } = await connected();
    r.engine.settimeout(conn, 0.03);
    await fails(
      r.engine.recv(conn, 10, {}),
      'ETIMEDOUT',
      'TimeoutError',
      /^[A-Z_]+: recv timed out after 0\.03 s; the socket is still usable/,
    );
    await r.engine.sendall(client, Buffer.from('later'), {});
    expect((await r.engine.recv(conn, 10, {})).toString()).toBe('later');
    await fails(r.engine.accept(server, { ...main, maxWaitMs: 20 }), 'ETIMEDOUT', 'TimeoutError', /accept timed out/);
    const c2 = r.engine.create('tcp', 4, main);
    await r.engine.connect(c2, '127.0.0.1', port, {});
    expect((await r.engine.accept(server, main)).socket.name).toBe('conn1');
  });

  it('cancels accept and recv with an AbortSignal', async () => {
    r = rig();
    const { server, client, conn } = await connected();
    const ac = new AbortController();
    const accepting = r.engine.accept(server, { ...main, signal: ac.signal });
    const receiving = r.engine.recv(conn, 10, { signal: ac.signal });
    await until(() => r.engine.info(server).waiting === 'accept' && r.engine.info(conn).waiting === 'recv');
    ac.abort();
    await Promise.all([
      fails(accepting, 'EINTR', 'KeyboardInterrupt', /accept cancelled; serverSocket stays open/),
      fails(receiving, 'EINTR'),
    ]);
    await r.engine.sendall(client, Buffer.from('ok'), {});
    expect((await r.engine.recv(conn, 10, {})).toString()).toBe('ok');
  });

  it('allows one pending call per socket; EAGAIN when non-blocking', async () => {
    r = rig();
    const { server, client, conn } = await connected();
    const first = r.engine.recv(conn, 10, {});
    await fails(r.engine.recv(conn, 10, {}), 'EBUSY', 'OSError', /connectionSocket already has a recv waiting/);
    expect(r.engine.info(conn).waiting).toBe('recv');
    await r.engine.send(conn, Buffer.from('send while recv waits'), {}); // the sending side is separate
    await r.engine.send(client, Buffer.from('x'), {});
    expect((await first).toString()).toBe('x');
    r.engine.settimeout(server, 0);
    await fails(r.engine.accept(server, main), 'EAGAIN', 'BlockingIOError');
    r.engine.settimeout(conn, 0);
    await fails(r.engine.recv(conn, 10, {}), 'EAGAIN', 'BlockingIOError');
  });
});

describe('TCP errors and closing', () => {
  it('explains calls made in the wrong state', async () => {
    r = rig();
    const { server, client, port } = await connected();
    await fails(
      r.engine.recv(server, 10, {}),
      'ENOTCONN',
      'OSError',
      /^[A-Z_]+: serverSocket is a listening \(welcoming\) socket: accept a connection and recv on the socket accept returns/,
    );
    // Linux (and Python there): send on a listening socket is EPIPE, recv ENOTCONN.
    await fails(r.engine.send(server, Buffer.from('x'), {}), 'EPIPE', 'BrokenPipeError', /welcoming/);
    await fails(r.engine.sendall(server, Buffer.from('x'), {}), 'EPIPE', 'BrokenPipeError', /welcoming/);
    await fails(r.engine.connect(client, '127.0.0.1', port, {}), 'EISCONN', 'OSError', /already connected/);
    await fails(r.engine.connect(server, '127.0.0.1', port, {}), 'EISCONN');
    await fails(r.engine.listen(client, 1), 'EINVAL', 'OSError', /connected socket and cannot listen/);
    // As on Linux (and Python there): a connection's sendto ignores the address and sends to the peer.
    expect(await r.engine.sendto(client, Buffer.from('x'), '127.0.0.1', 9, {})).toBe(1);
    await fails(r.engine.bind(server, '127.0.0.1', 0), 'EINVAL', 'OSError', /already bound/);
    await fails(
      () => r.engine.setsockopt(client, 'IP_MULTICAST_TTL', 1),
      'EINVAL',
      'OSError',
      /Linux refuses IP_MULTICAST_TTL on a TCP socket/,
    );
    r.engine.setsockopt(client, 'TCP_NODELAY', 1);
    r.engine.setsockopt(client, 'SO_KEEPALIVE', 1);
    r.engine.setsockopt(client, 'SO_REUSEADDR', 1);

    const fresh = r.engine.create('tcp', 4, { name: 'fresh', owner: 'main' });
    await fails(
      r.engine.accept(fresh, main),
      'EINVAL',
      'OSError',
      /fresh is not listening — a TCP server calls bind, then listen, then accept/,
    );
    await fails(
      r.engine.send(fresh, Buffer.from('x'), {}),
      'EPIPE',
      'BrokenPipeError',
      /fresh is not connected — connect first \(or use sendto for UDP\)/,
    );
    await fails(r.engine.recv(fresh, 1, {}), 'ENOTCONN', 'OSError', /fresh is not connected/);
    await fails(() => r.engine.getpeername(fresh), 'ENOTCONN');
    await fails(() => r.engine.shutdown(fresh, 'wr'), 'ENOTCONN');
    await fails(r.engine.listen(fresh, 1.5), 'EINVAL');
    expect(r.engine.getsockname(fresh)).toEqual({ host: '0.0.0.0', port: 0, family: 4 });
    await fails(r.engine.connect(fresh, 'no..such.host', 80, {}), 'ENOTFOUND', 'socket.gaierror');
    expect(r.engine.info(fresh).state).toBe('UNBOUND');
  });

  it('reports EADDRINUSE at bind', async () => {
    r = rig();
    const { port } = await welcoming();
    const other = r.engine.create('tcp', 4, main);
    await fails(r.engine.bind(other, '127.0.0.1', port), 'EADDRINUSE', 'OSError', /already in use/);
    expect(r.engine.info(other).state).toBe('UNBOUND');
  });

  it.skipIf(process.getuid?.() === 0)('needs privileges for port 80', async () => {
    r = rig();
    const s = r.engine.create('tcp', 4, main);
    await fails(r.engine.bind(s, '', 80), 'EACCES', 'PermissionError', /well-known port/);
  });

  it('reports EADDRNOTAVAIL for an address this host does not have', async () => {
    r = rig();
    const s = r.engine.create('tcp', 4, main);
    await fails(r.engine.bind(s, '192.0.2.1', 0), 'EADDRNOTAVAIL', 'OSError', /192\.0\.2\.1 is not an address of this host/);
  });

  it('closing a listener fails a pending accept, resets waiting clients and refuses new ones', async () => {
    r = rig();
    const { server, port } = await welcoming();
    const early = r.engine.create('tcp', 4, main);
    await r.engine.connect(early, '127.0.0.1', port, {});
    await until(() => r.engine.info(server).queued.count === 1);
    r.engine.close(server);
    const result = await r.engine.recv(early, 10, { maxWaitMs: 2000 }).then(
      (b) => b.length,
      (e: { code: string }) => e.code,
    );
    expect([0, 'ECONNRESET']).toContain(result);
    const late = r.engine.create('tcp', 4, main);
    await fails(r.engine.connect(late, '127.0.0.1', port, {}), 'ECONNREFUSED');

    const { server: s2 } = await welcoming();
    const accepting = r.engine.accept(s2, main);
    r.engine.close(s2);
    await fails(accepting, 'EBADF', 'OSError', /socket 'serverSocket' is closed/);
  });

  it('stale handle after name reuse; closeAll frees every port', async () => {
    r = rig();
    const { server, client, conn, port } = await connected();
    r.engine.close(conn);
    const again = r.engine.create('tcp', 4, { name: 'connectionSocket', owner: 'main' });
    expect(again.name).toBe('connectionSocket');
    await fails(r.engine.recv(conn, 1, {}), 'EBADF', 'OSError', /socket 'connectionSocket' is closed/);
    await fails(r.engine.recv(again, 1, {}), 'ENOTCONN');
    void server;
    void client;
    await r.engine.closeAll();
    expect(r.engine.list()).toEqual([]);
    const probe = net.createServer();
    servers.push(probe);
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
  });
});

describe('TCP bind reserves its address, as the OS does for Python', () => {
  it('a second bind of the same port fails with EADDRINUSE at bind, not later at listen', async () => {
    const { createEngine } = await import('../src/engine/index.js');
    const engine = createEngine({ sink: () => undefined });
    try {
      const a = engine.create('tcp', 4, { owner: 'main' });
      const b = engine.create('tcp', 4, { owner: 'main' });
      const bound = await engine.bind(a, '127.0.0.1', 0);
      await expect(engine.bind(b, '0.0.0.0', bound.port)).rejects.toMatchObject({ code: 'EADDRINUSE', call: 'bind' });
      engine.close(a);
      await expect(engine.bind(b, '127.0.0.1', bound.port)).resolves.toMatchObject({ port: bound.port });
    } finally {
      await engine.closeAll();
    }
  });
});
