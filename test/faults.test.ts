import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * Network faults, as the shell shows them: one clear line naming the code and what it means, and
 * the shell keeps working (the next commands on other sockets, and a fresh connection, succeed).
 * The peers are small scripted servers in this process, on 127.0.0.1, port 0.
 */
let shell: CoreDriver | null = null;
const closers: (() => void)[] = [];
afterEach(async () => {
  await shell?.close();
  shell = null;
  for (const c of closers.splice(0)) c();
});

function start(): CoreDriver {
  shell = new CoreDriver({ maxWaitMs: HANG_MS });
  return shell;
}

/** A TCP server on 127.0.0.1 that hands each connection to `on`; returns its port. */
async function server(on: (c: net.Socket) => void, port = 0): Promise<{ port: number; close: () => Promise<void>; conns: net.Socket[] }> {
  const conns: net.Socket[] = [];
  const s = net.createServer({ allowHalfOpen: true }, (c) => {
    conns.push(c);
    c.on('error', () => undefined);
    on(c);
  });
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  const close = () =>
    new Promise<void>((r) => {
      for (const c of conns) c.destroy();
      s.close(() => r());
    });
  closers.push(() => void close());
  return { port: (s.address() as net.AddressInfo).port, close, conns };
}

async function closedPort(): Promise<number> {
  const s = await server(() => undefined);
  await s.close();
  return s.port;
}

/** The one error line a command showed, caret indentation removed. */
async function fails(line: string): Promise<string> {
  const ran = await shell!.run(line);
  const errors = ran.lines.filter((l) => l.channel === 'err' && !l.async);
  // The caret line; the command is repeated above it when the shell printed something in between.
  if (errors.length === 2) expect(errors[0]!.text.trim(), line).toBe(line);
  else
    expect(
      errors.map((l) => l.text),
      line,
    ).toHaveLength(1);
  return errors[errors.length - 1]!.text.trimStart();
}

const until = (cond: () => boolean, what: string): Promise<void> => waitFor(cond, what);

/** The shell still works: a UDP round trip on fresh sockets. */
async function stillWorks(): Promise<void> {
  const out = await shell!.ok(
    'zs = udp.bind 127.0.0.1 0',
    'za = zs.getsockname',
    'zc = udp.socket',
    'zc.sendto alive $za',
    'zm, zf = zs.recvfrom 10',
    'print $zm',
  );
  expect(out).toMatch(/alive\n$/);
}

describe('faults surface as one clear line, and the shell keeps working', () => {
  it('peer reset mid-stream: the data that came first, then ECONNRESET', async () => {
    const sh = start();
    const srv = await server((c) => c.write('partial'));
    await sh.ok(`c = tcp.connect 127.0.0.1 ${srv.port}`);
    await until(() => sh.core.session.engine.list()[0]!.bytesReceived === 7, 'the first bytes');
    srv.conns[0]!.resetAndDestroy();
    await until(() => sh.core.session.engine.list()[0]!.state === 'RESET', 'the reset');
    expect(await sh.ok('d = c.recv 100', '$d')).toContain("b'partial'");
    expect(await fails('c.recv 100')).toBe(
      '^^^^ ECONNRESET: the peer reset the connection of c (it closed with data unread, as a crash does, or aborted with SO_LINGER 0) — close this socket (ConnectionResetError)',
    );
    await sh.ok('c.close');
    await stillWorks();
  });

  it('a reset while recv waits: that recv reports it, and no notice promises it to a later call', async () => {
    const sh = start();
    const srv = await server(() => undefined);
    await sh.ok(`c = tcp.connect 127.0.0.1 ${srv.port}`);
    await until(() => srv.conns.length === 1, 'the connection');
    const waiting = sh.run('c.recv 100');
    await until(() => sh.core.session.engine.list()[0]!.waiting === 'recv', 'recv to wait');
    srv.conns[0]!.resetAndDestroy();
    const ran = await waiting;
    expect(ran.err).toMatch(/ECONNRESET: the peer reset the connection of c/);
    const after = await sh.run('print next');
    const shown = [...ran.lines, ...after.lines].map((l) => l.text).join('\n');
    expect(shown).not.toMatch(/arrived/);
    expect(after.out).toBe('next\n');
  });

  it('peer gone: send fails with EPIPE (or ECONNRESET) within a few sends, never silently forever', async () => {
    const sh = start();
    const srv = await server((c) => c.destroy());
    await sh.ok(`c = tcp.connect 127.0.0.1 ${srv.port}`);
    await until(() => srv.conns.length === 1 && srv.conns[0]!.destroyed, 'the peer to go');
    const ran = await sh.run('repeat 100\n  c.send "are you there?"\n  sleep 0.01\nend');
    const error = ran.lines.filter((l) => l.channel === 'err').map((l) => l.text.trim());
    expect(error).toHaveLength(2); // the failing line, then the caret under it
    expect(error[1]).toMatch(
      /^\^+ (EPIPE: c can no longer send: the connection is gone \(the peer closed it\) \(BrokenPipeError\)|ECONNRESET: the peer reset the connection of c .*\(ConnectionResetError\))$/,
    );
    await stillWorks();
  });

  it('nothing listening: ECONNREFUSED for TCP connect, and for connected UDP from the ICMP reply', async () => {
    const sh = start();
    const port = await closedPort();
    expect(await fails(`tcp.connect 127.0.0.1 ${port}`)).toBe(
      `^^^^^^^^^^^ ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port} — start the server first (ConnectionRefusedError)`,
    );
    await sh.ok('u = udp.socket', `u.connect 127.0.0.1 ${port}`, 'u.send "hello?"');
    expect(await fails('u.recv 100')).toBe(
      `^^^^ ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}: a datagram u sent there came back as ICMP port unreachable — start the server first (ConnectionRefusedError)`,
    );
    // Reported once, as BSD sockets do; the socket is usable again.
    await sh.ok('u.settimeout 0.05');
    expect(await fails('u.recv 100')).toMatch(/ETIMEDOUT: recv timed out after 0.05 s; the socket is still usable/);
    await stillWorks();
  });

  it("half-close: recv returns b'' after the peer's FIN, and send still works", async () => {
    const sh = start();
    let got = '';
    const srv = await server((c) => {
      c.on('data', (d) => (got += d.toString()));
      c.end('bye');
    });
    await sh.ok(`c = tcp.connect 127.0.0.1 ${srv.port}`);
    // Each assigned recv says what it took (`# d = b'bye' …`, `# e = b'': … (EOF)`), between the values; whether
    // the second recv waits for the FIN (and says so) is timing.
    expect(await sh.ok('d = c.recv 100', '$d', 'e = c.recv 100', '$e')).toMatch(
      /b'bye'\n(# c is waiting for data .*\n)?# e = b'': the peer closed its side \(EOF\).*\nb''\n$/,
    );
    await sh.ok('c.sendall "still here"');
    await until(() => got === 'still here', 'the peer to get what was sent after its FIN');
    // Our own half-close: the peer sees EOF and can still answer.
    const replies = await server((c) => c.on('end', () => c.end('ANSWER')).resume());
    await sh.ok(`h = tcp.connect 127.0.0.1 ${replies.port}`, 'h.sendall question', 'h.shutdown wr');
    expect(await sh.ok('r = h.recv 100', '$r')).toMatch(/b'ANSWER'\n$/);
    expect(await fails('h.send more')).toMatch(/EPIPE: h was shut down for writing \(its FIN went\): it sends no more; recv still works/);
  });

  it('timeouts: recv and accept time out, the socket stays usable and keeps what arrives later', async () => {
    const sh = start();
    const srv = await server(() => undefined);
    await sh.ok(`c = tcp.connect 127.0.0.1 ${srv.port}`, 'c.settimeout 0.05');
    expect(await fails('c.recv 10')).toBe('^^^^ ETIMEDOUT: recv timed out after 0.05 s; the socket is still usable (TimeoutError)');
    await waitFor(() => srv.conns.length > 0, 'the server to have the connection');
    srv.conns[0]!.write('late');
    // Blocking again (the replay's hang limit still bounds it): a loaded machine may take seconds to deliver.
    await sh.ok('c.settimeout none');
    expect(await sh.ok('d = c.recv 10', '$d')).toMatch(/b'late'\n$/);
    await sh.ok('l = tcp.listen 127.0.0.1 0', 'l.settimeout 0.05');
    expect(await fails('l.accept')).toBe('^^^^^^ ETIMEDOUT: accept timed out after 0.05 s; the socket is still usable (TimeoutError)');
    await stillWorks();
  });

  it('a TCP server restarted under a client: the old connection ends clearly, a new one works', async () => {
    const sh = start();
    const echo = (c: net.Socket) => c.on('data', (d) => c.write(d.toString().toUpperCase()));
    const first = await server(echo);
    await sh.ok(`c = tcp.connect 127.0.0.1 ${first.port}`, 'c.sendall one', 'r = c.recv 10');
    await first.close(); // the server goes away: its connection is destroyed (FIN or RST)
    await server(echo, first.port); // and comes back on the same port
    const ran = await sh.run('r = c.recv 10\n$r');
    expect(ran.out + ran.err).toMatch(/b''|ECONNRESET/);
    expect(await sh.run('repeat 20\n  c.send again\n  sleep 0.01\nend').then((r) => r.err)).toMatch(/EPIPE|ECONNRESET/);
    expect(await sh.ok(`c2 = tcp.connect 127.0.0.1 ${first.port}`, 'c2.sendall two', 'r = c2.recv 10', '$r')).toMatch(/b'TWO'\n$/);
  });

  it('a UDP server restarted under a client: a connected client hears ECONNREFUSED, then talks to the new one', async () => {
    const sh = start();
    const udpServer = async (port: number) => {
      const s = dgram.createSocket('udp4');
      s.on('message', (m, r) => s.send(m.toString().toUpperCase(), r.port, r.address));
      await new Promise<void>((r) => s.bind(port, '127.0.0.1', r));
      closers.push(() => {
        try {
          s.close();
        } catch {
          // closed by the test already
        }
      });
      return s;
    };
    const first = await udpServer(0);
    const port = first.address().port;
    await sh.ok(`u = udp.socket`, `u.connect 127.0.0.1 ${port}`, 'u.send one', 'r = u.recv 10');
    await new Promise<void>((r) => first.close(r));
    await sh.ok('u.send lost');
    expect(await fails('u.recv 10')).toMatch(
      /^\^+ ECONNREFUSED: nothing is listening on 127\.0\.0\.1 port \d+: a datagram u sent there came back as ICMP port unreachable/,
    );
    await udpServer(port);
    expect(await sh.ok('u.send two', 'r = u.recv 10', '$r')).toMatch(/b'TWO'\n$/);
  });

  it('the shell as the server: a killed server job restarts on the same port while clients were connected', async () => {
    const sh = start();
    await sh.ok('run scripts/TCPServer.sock serverPort=0 &');
    await until(() => sh.core.session.engine.list().some((s) => s.name === 'serverSocket' && s.state === 'LISTEN'), 'the server job');
    const port = sh.core.session.engine.list().find((s) => s.name === 'serverSocket')!.local!.port;
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    closers.push(() => client.destroy());
    await new Promise((r) => client.once('connect', r));
    await until(() => sh.core.session.engine.list().some((s) => s.name === 'connectionSocket'), 'the job to accept');
    // The table says which sockets the job's script opened.
    expect(await sh.ok('sockets')).toMatch(
      /│ serverSocket \(%1\) +│ TCP +│ 0\.0\.0\.0:\d+ +│ - +│ LISTEN[^]*│ connectionSocket \(%1\) +│ TCP/,
    );
    await sh.ok('kill %1');
    await sh.ok(`run scripts/TCPServer.sock serverPort=${port} &`);
    await until(() => sh.core.session.engine.list().some((s) => s.name === 'serverSocket' && s.state === 'LISTEN'), 'the restarted job');
    const reply = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () => c.end('again'));
      let got = '';
      c.on('data', (d) => (got += d.toString()));
      c.on('close', () => resolve(got));
      c.on('error', reject);
    });
    expect(reply).toBe('AGAIN');
    await sh.ok('kill %1');
  });
});
