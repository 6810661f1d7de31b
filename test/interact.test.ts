import { createServer, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 14, streaming at the prompt: `interact` sends each line read to the socket and prints what
 * arrives, half-closes at the end of input (Ctrl-D) and ends once both sides have closed. The peers
 * are real loopback servers on port 0.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A TCP server that records what each connection sent and answers every chunk upper-cased; it closes after the client's FIN. */
async function upperServer(): Promise<{ port: number; got: () => string }> {
  let got = '';
  const server: Server = createServer({ allowHalfOpen: true }, (c: Socket) => {
    c.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      c.write(d.toString('latin1').toUpperCase());
    });
    c.on('end', () => c.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, got: () => got };
}

/** What arrived, without the shell's `# ` lines (the REPL shows both on its output). */
const arrived = (out: string): string =>
  out
    .split(/(?<=\n)/)
    .filter((l) => !l.startsWith('# '))
    .join('');

function driver(lines: (string | null)[]): CoreDriver {
  const d = new CoreDriver({ readLine: async () => (lines.length > 0 ? lines.shift()! : null) });
  cleanup.push(() => d.close());
  return d;
}

describe('interact', () => {
  it('sends each line, prints the replies, sends FIN at the end of input and ends when the peer closes', async () => {
    const peer = await upperServer();
    const d = driver(['hello', 'again', null]);
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    const ran = await d.run('interact c');
    expect(arrived(ran.out)).toBe('HELLO\nAGAIN\n');
    expect(peer.got()).toBe('hello\nagain\n');
    expect(ran.out).toContain('# interact ended: both sides closed; sent 12 bytes, received 12 bytes');
    // The FIN went out (SHUT_WR) and the peer's arrived: both directions are shut. The socket is open
    // (a closed one's getpeername is EBADF), but the kernel names no peer now, as Python's getpeername finds.
    expect((await d.run('c.getpeername')).err).toMatch(/ENOTCONN: the connection of c is over \(both ends sent their FIN\)/);
    const sockets = (await d.run('sockets')).out;
    expect(sockets).toMatch(/SHUT_DOWN/);
    // The shell's name, said as such: ss shows this connection as TIME-WAIT, as this end's FIN went first (user trial 5).
    expect(sockets).toContain(
      "# SHUT_DOWN: shut down both ways, the socket still open; the kernel's state (ss) is TIME-WAIT where this end's FIN went first",
    );
  });

  it('with log on, the traffic lines show as the bytes cross, not after interact ends (socat -v; user trial)', async () => {
    const peer = await upperServer();
    const seen: string[] = [];
    let reads = 0;
    const d = new CoreDriver({
      onLine: (l) => seen.push(l.text),
      readLine: async () => {
        reads++;
        if (reads === 1) return 'hello';
        // Ctrl-D only once the reply's traffic line was shown: held until interact ended, it never would be.
        await waitFor(() => seen.some((t) => t.startsWith('<') && t.includes('6 bytes')), "the reply's traffic line during interact");
        return null;
      },
    });
    cleanup.push(() => d.close());
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`, 'log on --text');
    const ran = await d.run('interact c');
    expect(arrived(ran.out)).toBe('HELLO\n');
    const sent = seen.findIndex((t) => t.startsWith('>') && t.includes('6 bytes'));
    const reply = seen.findIndex((t) => t.startsWith('<') && t.includes('6 bytes'));
    const ended = seen.findIndex((t) => t.startsWith('# interact ended'));
    expect(sent).toBeGreaterThan(-1);
    expect([sent < reply, reply < ended]).toEqual([true, true]);
  });

  it('--crlf sends line ends as CR LF (nc -C)', async () => {
    const peer = await upperServer();
    const d = driver(['GET / HTTP/1.0', '', null]);
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    await d.run('interact --crlf');
    expect(peer.got()).toBe('GET / HTTP/1.0\r\n\r\n');
  });

  it('a connected UDP socket: each line is one datagram; Ctrl-C stops and leaves the socket open', async () => {
    const server = createSocket('udp4');
    const got: string[] = [];
    server.on('message', (m, rinfo) => {
      got.push(m.toString());
      server.send(m.toString().toUpperCase(), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const lines: (string | null)[] = ['one', 'two'];
    // After the two lines the input waits (a person who has not typed yet) until the test presses Ctrl-C.
    const d = new CoreDriver({ readLine: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise(() => undefined)) });
    cleanup.push(() => d.close());
    await d.ok(`u = udp.socket`, `u.connect 127.0.0.1 ${server.address().port}`);
    const running = d.run('interact u', 60_000);
    await waitFor(() => got.length === 2, 'two datagrams at the peer');
    // Both replies printed before Ctrl-C: wait for the engine to have counted them.
    await waitFor(() => d.core.session.engine.list().some((s) => s.name === 'u' && s.bytesReceived === 8), 'both replies');
    d.core.interrupt();
    const ran = await running;
    expect(got).toEqual(['one\n', 'two\n']);
    expect(arrived(ran.out)).toBe('ONE\nTWO\n');
    // One line says it stopped, with the totals (trial 4: a '# interact stopped' line repeated the '^C' one).
    expect(ran.out).not.toMatch(/interact stopped/);
    expect(ran.err).toBe('^C interact cancelled; sent 8 bytes, received 8 bytes; the socket stays open and keeps its queued data\n');
    expect((await d.run('sockets')).out).toMatch(/\bu\b.*CONNECTED/);
  });

  it('refuses a listening socket and an unconnected TCP socket, in words', async () => {
    const d = driver([]);
    await d.ok('s = tcp.listen 127.0.0.1 0', 't = tcp.socket');
    expect((await d.run('interact s')).err).toMatch(/s is listening; interact with a connection accept returned/);
    expect((await d.run('interact t')).err).toMatch(/t is not connected; connect it first/);
    expect((await d.run('interact nosuch')).err).toMatch(/no socket named 'nosuch' \(open: s, t\)/);
  });
});
