import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython, runProcess } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

/**
 * Trial 7, J: `save` left an `interact` out (Ctrl-C) or wrote it as typed (it ended), so an
 * exploration done in interact could not be replayed. Now what interact did is recorded as the calls
 * that do it again: each line sent as sendall, what arrived as the reads that take it (a comment says
 * what came), Ctrl-D as shutdown wr. The saved script is run against the same peer, and its export
 * by python3.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-interact-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/**
 * A line server in SMTP's manner: `220 hi` on connect, `250 LINE` for each line, `221 bye` for QUIT,
 * and `name? ` (no newline, a prompt) for ASK. It closes after the client's FIN. Records what came.
 */
async function lineServer(): Promise<{ port: number; got: string[] }> {
  const got: string[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (c: Socket) => {
    let text = '';
    const at = got.push('') - 1;
    c.write('220 hi\r\n');
    c.on('data', (d: Buffer) => {
      got[at] += d.toString('latin1');
      text += d.toString('latin1');
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const line = text.slice(0, nl).replace(/\r$/, '');
        text = text.slice(nl + 1);
        if (line.toUpperCase() === 'QUIT') c.write('221 bye\r\n');
        else if (line.toUpperCase() === 'ASK') c.write('name? ');
        else c.write(`250 ${line.toUpperCase()}\r\n`);
      }
    });
    c.on('end', () => c.end());
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, got };
}

/**
 * A person at interact: each line is typed once `received` bytes have arrived on socket `name` (the
 * reply to the line before has been read); null is Ctrl-D; after the last, nothing more is typed.
 */
function typist(steps: readonly [number, string | null][], name: string): { driver: CoreDriver } {
  const queue = [...steps];
  const driver: CoreDriver = new CoreDriver({
    readLine: async () => {
      const step = queue.shift();
      if (step === undefined) return new Promise<null>(() => undefined);
      const [received, line] = step;
      const count = () => driver.core.session.engine.list().find((s) => s.name === name)?.bytesReceived ?? -1;
      await waitFor(
        () => count() >= received,
        () => `${received} bytes received by ${name} (${count()})`,
      );
      return line;
    },
  });
  cleanup.push(() => driver.close());
  return { driver };
}

/** The saved script's statements: no header comments. */
const body = (script: string): string[] => script.split('\n').filter((l) => l !== '' && !l.startsWith('# '));

describe('save after interact (trial 7, J)', () => {
  it('writes what an interact ended by both sides did as sendall, reads and shutdown, and the script replays it', async () => {
    const peer = await lineServer();
    const { driver: d } = typist(
      [
        [8, 'helo me'],
        [8 + 13, 'quit'],
        [8 + 13 + 9, null],
      ],
      'c',
    );
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    const ran = await d.run('interact c --crlf');
    expect(ran.out).toContain('# interact ended: both sides closed');
    const saved = (await d.run('save -')).out;
    expect(body(saved)).toEqual([
      `c = tcp.connect 127.0.0.1 ${peer.port}`,
      "line = c.recvline  # was b'220 hi\\r\\n'",
      "c.sendall b'helo me\\r\\n'",
      "line = c.recvline  # was b'250 HELO ME\\r\\n'",
      "c.sendall b'quit\\r\\n'",
      "line = c.recvline  # was b'221 bye\\r\\n'",
      'c.shutdown wr',
      "data = c.recv 65536  # was b'': the peer closed its side",
    ]);
    // Run against the same peer: it gets the same bytes, and every read took what it did before.
    const file = join(dir, 'both-ends.sock');
    // The peer's port is one the OS chose, so save warns of it; the script still runs here, as the peer is still there.
    expect((await d.run(`save ${file}`)).err).toMatch(/^warning: 1 line types a port the OS chose/);
    // Each read took what it took before: the last two say so.
    appendFileSync(file, "expect $line == b'221 bye\\r\\n'\nexpect $data == b''\n");
    const replay = new CoreDriver();
    cleanup.push(() => replay.close());
    const run = await replay.run(`run ${file}`);
    expect(run.err).toBe('');
    expect(peer.got).toEqual(['helo me\r\nquit\r\n', 'helo me\r\nquit\r\n']);
  });

  it('keeps an interact ended by Ctrl-C, with a prompt that had no newline read as the bytes it was', async () => {
    const peer = await lineServer();
    const { driver: d } = typist([[8, 'ask']], 'c');
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    const running = d.run('interact');
    await waitFor(() => d.core.session.engine.list().some((s) => s.name === 'c' && s.bytesReceived === 8 + 6), 'the prompt');
    d.core.interrupt();
    expect((await running).err).toMatch(/\^C interact cancelled; sent 4 bytes, received 14 bytes/);
    // Typed bare, the calls are bare: they act on the current socket, as interact did.
    expect(body((await d.run('save -')).out)).toEqual([
      `c = tcp.connect 127.0.0.1 ${peer.port}`,
      "line = recvline  # was b'220 hi\\r\\n'",
      "sendall b'ask\\n'",
      "data = recvexactly 6  # was b'name? '",
    ]);
  });

  it.runIf(hasPython)('exports the calls to Python, which replays them against the peer', async () => {
    const peer = await lineServer();
    const { driver: d } = typist(
      [
        [8, 'one'],
        [8 + 9, 'ask'],
        [8 + 9 + 6, null],
      ],
      'c',
    );
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    await d.run('interact c');
    const py = join(dir, 'exported.py');
    await d.ok(`export ${py}`);
    const code = readFileSync(py, 'utf8');
    expect(code).toContain("c.sendall(b'one\\n')");
    expect(code).toContain('c.shutdown(SHUT_WR)');
    const python = await runProcess('python3', [py]);
    expect([python.stderr, python.status]).toEqual(['', 0]);
    expect(peer.got).toEqual(['one\nask\n', 'one\nask\n']);
  });

  it('a connected UDP socket: each line a send, each datagram a recv', async () => {
    const server = createSocket('udp4');
    server.on('message', (m, rinfo) => server.send(m.toString().toUpperCase(), rinfo.port, rinfo.address));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const { driver: d } = typist(
      [
        [0, 'one'],
        [4, null],
      ],
      'u',
    );
    await d.ok('u = udp.socket', `u.connect 127.0.0.1 ${server.address().port}`);
    await d.run('interact u');
    expect(body((await d.run('save -')).out)).toEqual([
      'u = udp.socket',
      `u.connect 127.0.0.1 ${server.address().port}`,
      "u.send b'one\\n'",
      "data = u.recv 65536  # was b'ONE\\n'",
    ]);
  });

  it('an unbound-peer UDP socket answers whoever sent last: recvfrom, then sendto that address', async () => {
    const { driver: d } = typist(
      [
        [5, 'back'],
        [5, null],
      ],
      'v',
    );
    await d.ok('v = udp.bind 127.0.0.1 0', 'a = v.getsockname', 'w = udp.socket', 'w.sendto "ping\\n" $a');
    await d.run('interact v');
    await d.ok('w.recvfrom 100');
    expect(body((await d.run('save -')).out).slice(4)).toEqual([
      "data, addr = v.recvfrom 65536  # was b'ping\\n'",
      "v.sendto b'back\\n' $addr",
      'w.recvfrom 100',
    ]);
  });
});

describe('save after an interact a reset ended (trial 8, S)', () => {
  /** Answers each line with `ok`; at QUIT it sends `bye` and aborts (RST, Node's resetAndDestroy: SO_LINGER 0). Records what came. */
  async function resettingServer(): Promise<{ port: number; got: string[] }> {
    const got: string[] = [];
    const server: Server = createServer((c: Socket) => {
      const at = got.push('') - 1;
      c.on('data', (d: Buffer) => {
        got[at] += d.toString('latin1');
        for (const line of d.toString('latin1').split('\n').slice(0, -1))
          if (line === 'quit') c.write('bye\n', () => c.resetAndDestroy());
          else c.write(`ok ${line}\n`);
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    return { port: (server.address() as { port: number }).port, got };
  }

  it('keeps what it sent and read before the reset, says its totals, and the script replays it without the failing call', async () => {
    const peer = await resettingServer();
    const { driver: d } = typist(
      [
        [0, 'one'],
        [7, 'quit'],
      ],
      'c',
    );
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    const ran = await d.run('interact c');
    expect(ran.out).toContain(
      '# interact ended: the peer reset the connection; sent 9 bytes (taken by the kernel: what the peer had not acknowledged was lost with the reset), received 11 bytes',
    );
    expect(ran.err).toMatch(/ECONNRESET/);
    expect(body((await d.run('save -')).out)).toEqual([
      `c = tcp.connect 127.0.0.1 ${peer.port}`,
      "c.sendall b'one\\n'",
      "line = c.recvline  # was b'ok one\\n'",
      "c.sendall b'quit\\n'",
      "line = c.recvline  # was b'bye\\n'; then the peer reset the connection (ECONNRESET), which ended interact",
    ]);
    const file = join(dir, 'reset.sock');
    await d.run(`save ${file}`);
    appendFileSync(file, "expect $line == b'bye\\n'\n");
    const replay = new CoreDriver();
    cleanup.push(() => replay.close());
    expect((await replay.run(`run ${file}`)).err).toBe('');
    expect(peer.got).toEqual(['one\nquit\n', 'one\nquit\n']);
    if (!hasPython) return;
    const py = join(dir, 'reset.py');
    await d.ok(`export ${py}`);
    const python = await runProcess('python3', [py]);
    expect([python.stderr, python.status]).toEqual(['', 0]);
    expect(peer.got).toEqual(['one\nquit\n', 'one\nquit\n', 'one\nquit\n']);
  });

  it("save's header says the error that ended the interact it keeps, and only where the script keeps it", async () => {
    const peer = await resettingServer();
    const { driver: d } = typist([[0, 'quit']], 'c');
    await d.ok('u = udp.bind 127.0.0.1 0');
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    expect((await d.run('interact c')).err).toMatch(/ECONNRESET/);
    const header = (out: string) => out.split('\n').filter((l) => l.startsWith('# Saved by'));
    // It said "the commands that ran without error", and the interact's calls were there, its last read's comment naming the reset.
    expect(header((await d.run('save -')).out)).toEqual([
      expect.stringMatching(
        /: the commands that ran without error, in order, and those of an interact an error ended, up to the error \(the comment on its last line says which\)\.$/,
      ),
    ]);
    expect(header((await d.run('save - u')).out)).toEqual([expect.stringMatching(/: the commands that ran without error, in order\.$/)]);
  });
});

describe('save after an HTTP exchange in interact (trial 9)', () => {
  /** HTTP/1.1 in miniature: after a request's blank line, a response with a header block and a body of two lines; closes after the client's FIN. */
  async function httpServer(): Promise<{ port: number; got: string[] }> {
    const got: string[] = [];
    const server: Server = createServer({ allowHalfOpen: true }, (c: Socket) => {
      const at = got.push('') - 1;
      c.on('data', (d: Buffer) => {
        got[at] += d.toString('latin1');
        if (got[at]!.endsWith('\r\n\r\n'))
          c.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: keep-alive\r\n\r\nhi\nthere\n');
      });
      c.on('end', () => c.end());
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    return { port: (server.address() as { port: number }).port, got };
  }
  const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: keep-alive\r\n\r\nhi\nthere\n'.length;

  it('reads the header block with one recvuntil of the blank line and the body with one recvexactly of its Content-Length, as a developer writes them, and the script and its export replay it', async () => {
    const peer = await httpServer();
    const { driver: d } = typist(
      [
        [0, 'GET / HTTP/1.1'],
        [0, 'Host: x'],
        [0, ''],
        [RESPONSE, null],
      ],
      'c',
    );
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    expect((await d.run('interact c --crlf')).out).toContain('# interact ended: both sides closed');
    // It was a recvline a line: four for the header lines, one for the blank line, one a line of the body.
    expect(body((await d.run('save -')).out)).toEqual([
      `c = tcp.connect 127.0.0.1 ${peer.port}`,
      "c.sendall b'GET / HTTP/1.1\\r\\n'",
      "c.sendall b'Host: x\\r\\n'",
      "c.sendall b'\\r\\n'",
      "head = c.recvuntil b'\\r\\n\\r\\n'  # was b'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 9'… (88 bytes)",
      "body = c.recvexactly 9  # was b'hi\\nthere\\n'",
      'c.shutdown wr',
      "data = c.recv 65536  # was b'': the peer closed its side",
    ]);
    const file = join(dir, 'http.sock');
    await d.run(`save ${file}`);
    appendFileSync(
      file,
      "expect $head == b'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 9\\r\\nConnection: keep-alive\\r\\n\\r\\n'\nexpect $body == b'hi\\nthere\\n'\n",
    );
    const replay = new CoreDriver();
    cleanup.push(() => replay.close());
    expect((await replay.run(`run ${file}`)).err).toBe('');
    const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(peer.got).toEqual([request, request]);
    if (!hasPython) return;
    const py = join(dir, 'http.py');
    await d.ok(`export ${py}`);
    expect(readFileSync(py, 'utf8')).toContain("head = recvuntil(c, b'\\r\\n\\r\\n')");
    expect(readFileSync(py, 'utf8')).toContain('body = recvexactly(c, 9)');
    const python = await runProcess('python3', [py]);
    expect([python.stderr, python.status]).toEqual(['', 0]);
    expect(peer.got).toEqual([request, request, request]);
  });
});
