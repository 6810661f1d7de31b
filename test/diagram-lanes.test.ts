import { HANG_MS } from './helpers/wait.js';
import dgram from 'node:dgram';
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { closedUdpPort } from './engine-helpers.js';
import { buildLadder } from '../src/diagram/ladder.js';
import { ladderText } from '../src/diagram/text.js';
import type { Exchange } from '../src/record/exchange.js';

/**
 * Lanes by endpoint: a peer outside the shell is one lane per resolved address, however the user
 * named it, and a connection accept has not returned yet is the connection the kernel made, not an
 * outsider (test/transcripts/names-reused-client.sockt shows that one whole).
 */

let shell: CoreDriver | null = null;
let server: dgram.Socket | null = null;
afterEach(async () => {
  await shell?.close();
  server?.close();
  [shell, server] = [null, null];
});

/** An echo server outside the shell, answering in upper case, as UDPServer.py does. */
async function upperServer(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => s.send(m.toString().toUpperCase(), r.port, r.address));
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  server = s;
  return s.address().port;
}

/** The lane titles of a Mermaid diagram, in order. */
const participants = (mermaid: string): string[] => [...mermaid.matchAll(/participant p\d+ as ([^<\n]+)/g)].map((m) => m[1]!.trim());

describe('diagram lanes', () => {
  it('draws an outside server as one lane when the request named it localhost and the reply came from 127.0.0.1', async () => {
    const port = await upperServer();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('clientSocket = udp.socket', `clientSocket.sendto hello localhost ${port}`, 'clientSocket.recvfrom 2048');
    const mermaid = await shell.ok('diagram --mermaid');
    expect(participants(mermaid)).toEqual(['clientSocket', `127.0.0.1:${port}`]);
    expect(mermaid).toContain(`participant p1 as 127.0.0.1:${port}<br/>outside this shell (localhost)`);
    expect(mermaid).toContain("p0->>p1: sendto 5 B b'hello'");
    expect(mermaid).toContain("p1->>p0: 5 B b'HELLO'");
  });

  it('draws a send made before accept on the connection socket that accept later returns', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('w = tcp.listen 127.0.0.1 0', 'a = w.getsockname', 'c = tcp.connect $a', 'c.send early');
    const before = await shell.ok('diagram --mermaid');
    expect(participants(before)).toEqual(['w', 'c', '(not accepted yet)']);
    expect(before).toContain("p1->>p2: send 5 B b'early'");
    await shell.ok('k, addr = w.accept', 'k.recv 100');
    const after = await shell.ok('diagram --mermaid');
    expect(participants(after)).toEqual(['w', 'c', 'k']);
    expect(after).toContain("p1->>p2: send 5 B b'early'");
    expect(after).toContain("Note right of p2: recv → 5 B b'early'");
  });

  it('diagram NAME... draws only those sockets, with the lanes they exchanged with; an unknown NAME is an error', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(
      'u = udp.bind 127.0.0.1 0',
      'w = tcp.listen 127.0.0.1 0',
      'a = w.getsockname',
      'c = tcp.connect $a',
      'k, addr = w.accept',
      'c.send hi',
      'k.recv 10',
    );
    // k's lane, its note, and the arrows to it: the handshake's ends are drawn only where k is one.
    const only = await shell.ok('diagram k --mermaid');
    expect(participants(only)).toEqual(['w', 'c', 'k']);
    expect(only).toContain("p1->>p2: send 2 B b'hi'");
    expect(only).toContain("Note right of p2: recv → 2 B b'hi'");
    expect(only).not.toMatch(/SYN|bind|listen/);
    const udp = await shell.ok('diagram $u --mermaid'); // a socket value picks that socket
    expect(participants(udp)).toEqual(['u']);
    const missing = await shell.run('diagram nobody');
    expect(missing.err).toMatch(/no socket 'nobody' in the diagram \(drawn: u, w, c, k\)/);
  });

  it('at a terminal the lanes narrow to its width and long labels are cut with …; a pipe gets them whole', () => {
    const a = (port: number) => ({ host: '127.0.0.1', port, family: 4 as const });
    const payload = Buffer.from('a long message that will not fit in a narrow lane');
    const log: Exchange[] = [
      { kind: 'bind', socket: { serial: 1, name: 'serverSocketWithALongName' }, transport: 'udp', local: a(40000), implicit: false },
      {
        kind: 'send',
        socket: { serial: 2, name: 'clientSocket' },
        transport: 'udp',
        call: 'sendto',
        local: a(40001),
        to: a(40000),
        bytes: payload.length,
        preview: payload.subarray(0, 24),
        file: null,
      },
    ];
    const ladder = buildLadder(log);
    const whole = ladderText(ladder);
    expect(Math.max(...whole.split('\n').map((l) => l.length))).toBeGreaterThan(40);
    const fitted = ladderText(ladder, 40);
    const lines = fitted.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(fitted).toContain('…');
    expect(lines.filter((l) => l.includes('►') || l.includes('◄'))).toHaveLength(1); // the arrow is still drawn
  });

  it('draws what the OS did between calls: a datagram cut to BUFSIZE, an error that arrived', async () => {
    const closed = await closedUdpPort();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 'c = udp.socket', 'c.sendto "ten bytes!" $a');
    await shell.run('s.recvfrom 4'); // a warning says it was cut
    await shell.ok(`c.connect 127.0.0.1 ${closed}`, 'c.send x');
    await shell.run('c.recv 10'); // ECONNREFUSED: ICMP port unreachable came back
    const mermaid = await shell.ok('diagram --mermaid');
    expect(mermaid).toMatch(/Note right of p0: a 10 B datagram cut to BUFSIZE 4\n\s*Note right of p0: recvfrom → 4 B b'ten '/);
    // ICMP port unreachable is what the peer's host sent: an arrow from the peer's lane, not a note on ours.
    expect(mermaid).toContain('p2-->>p1: ICMP port unreachable (ECONNREFUSED)');
  });

  it('--svg FILE may follow the NAMEs: FILE is the word after --svg, never a socket name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-svg-'));
    try {
      shell = new CoreDriver({ maxWaitMs: HANG_MS });
      await shell.ok('u = udp.bind 127.0.0.1 0', 'a = u.getsockname', 'v = udp.socket', 'v.sendto hi $a', 'u.recvfrom 10');
      const file = join(dir, 'u.svg');
      expect(await shell.ok(`diagram u --svg ${file}`)).toMatch(/^# wrote .*u\.svg: 2 lanes/);
      expect(readFileSync(file, 'utf8')).toMatch(/^<svg /);
      expect(existsSync(join(dir, 'u'))).toBe(false);
      // The caret under --svg (after the prompt and 'diagram u '), then what it needs.
      expect((await shell.run('diagram u --svg')).err).toMatch(/^ +\^{5} --svg needs a value after it, as in: diagram \[NAME\.\.\.\] /);
      expect((await shell.run(`diagram --svg --force ${file}`)).err).toMatch(/--svg needs a value after it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an outside peer's FIN is one arrow, after its data, where recv first returns b''; no 0-byte data arrows", async () => {
    const peerServer = net.createServer((c) => c.end('bye'));
    await new Promise<void>((resolve) => peerServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = peerServer.address() as net.AddressInfo;
      shell = new CoreDriver({ maxWaitMs: HANG_MS });
      await shell.ok(`c = tcp.connect 127.0.0.1 ${port}`, 'c.recv 100', 'c.recv 100', 'c.recv 100');
      const drawn = await shell.ok('diagram --mermaid');
      const arrows = drawn.split('\n').filter((l) => l.includes('->>') || l.includes('-->>'));
      const fromPeer = arrows.filter((l) => l.trim().startsWith('p1'));
      expect(fromPeer.map((l) => l.replace(/^.*: /, ''))).toEqual(['SYN+ACK', "3 B b'bye'", 'FIN']);
      expect(drawn).not.toContain("0 B b''");
      expect(drawn.match(/recv → b'' \(the peer closed\)/g)).toHaveLength(2);
    } finally {
      peerServer.close();
    }
  });
});
