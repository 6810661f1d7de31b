/**
 * Issue 11's false diagrams, each from a user trial, run with a real peer (python3's socket module)
 * on loopback and compared as the diagram's text. The diagram must say what crossed the network: an
 * outside peer's data as it arrived (not as recv asked for it), its FIN where it arrived, the reset
 * it answered later data with, and lanes titled as `sockets` titles them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython, PEERS } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

let shell: CoreDriver | null = null;
let stopPeer: (() => void) | null = null;
afterEach(async () => {
  stopPeer?.();
  await shell?.close();
  [shell, stopPeer] = [null, null];
});

/** test/peers/ScriptedPeer.py: its port, and do(command), which resolves once the peer has done it. */
async function scriptedPeer(): Promise<{ port: number; do: (command: string) => Promise<void> }> {
  const child = spawn('python3', [join(PEERS, 'ScriptedPeer.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  stopPeer = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  };
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('\n'), 'ScriptedPeer.py to print its port');
  const port = Number(out.split('\n')[0]);
  let done = 0;
  return {
    port,
    async do(command) {
      child.stdin.write(`${command}\n`);
      done++;
      await waitFor(() => out.split('\n').filter((l) => l === 'done').length >= done, `ScriptedPeer.py to ${command}`);
    },
  };
}

/** The received column of `sockets` for the socket named name: "10 in 3 pieces". */
async function received(name: string): Promise<string> {
  const table = await shell!.ok('sockets');
  const row = table.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
  return /(\d+ in \d+ pieces?)/.exec(row)?.[1] ?? `(no count in: ${row})`;
}

/** The diagram's rows without the lanes' bars, each run of an arrow's line as one, ports in addresses as PORT: what a reader reads, top to bottom. */
async function rows(name: string): Promise<string[]> {
  const text = await shell!.ok(`diagram ${name}`);
  return text
    .split('\n')
    .slice(3)
    .map((l) =>
      l
        .replace(/│/g, ' ')
        .replace(/─+/g, '─')
        .replace(/┄+/g, '┄')
        .replace(/\s+/g, ' ')
        .replace(/\d{5}\)/g, 'PORT)')
        .trim(),
    )
    .filter((l) => l !== '');
}

describe.skipIf(!hasPython)('diagram tells what crossed the network (issue 11)', () => {
  it("draws one arrow per arrival from an outside peer, and recv calls as this socket's notes", async () => {
    const peer = await scriptedPeer();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(`d = tcp.connect 127.0.0.1 ${peer.port}`);
    await peer.do('send 0123456789');
    await waitFor(() => shell!.core.session.engine.list().some((s) => s.name === 'd' && s.bytesReceived === 10), '10 bytes at d');
    await shell.ok('x = d.recv 3', 'y = d.recv 3', 'z = d.recv 100');
    expect(await received('d')).toBe('10 in 1 piece');
    expect(await rows('d')).toEqual([
      '┄ SYN ┄►',
      '◄┄ SYN+ACK ┄',
      '┄ ACK: connected ┄►',
      "◄─ 10 B b'0123456789' ─",
      "recv → 3 B b'012'",
      "recv → 3 B b'345'",
      "recv → 4 B b'6789'",
    ]);
  });

  it('draws three arrivals read by one recv as three arrows, as sockets counts them', async () => {
    const peer = await scriptedPeer();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(`d = tcp.connect 127.0.0.1 ${peer.port}`);
    const at = (n: number) => () => shell!.core.session.engine.list().some((s) => s.name === 'd' && s.bytesReceived === n);
    // Each piece is sent once the one before it has arrived: three arrivals, whatever the load.
    await peer.do('send 012');
    await waitFor(at(3), '3 bytes at d');
    await peer.do('send 34567');
    await waitFor(at(8), '8 bytes at d');
    await peer.do('send 89');
    await waitFor(at(10), '10 bytes at d');
    const read = await shell.run('z = d.recv 100');
    expect(read.out).toContain('these 10 bytes arrived in 3 pieces');
    expect(await received('d')).toBe('10 in 3 pieces');
    expect((await rows('d')).slice(3)).toEqual(["◄─ 3 B b'012' ─", "◄─ 5 B b'34567' ─", "◄─ 2 B b'89' ─", "recv → 10 B b'0123456789'"]);
  });

  it("draws the peer's FIN where it arrived, and the RST it answers later data with; sockets says RESET", async () => {
    const peer = await scriptedPeer();
    const notices: string[] = [];
    shell = new CoreDriver({ maxWaitMs: HANG_MS, onLine: (l) => void notices.push(l.text) });
    await shell.ok(`g = tcp.connect 127.0.0.1 ${peer.port}`);
    await peer.do('close');
    await waitFor(() => notices.some((t) => t.includes('the peer closed its side (FIN)')), 'the FIN notice');
    await shell.ok('g.send first');
    await waitFor(() => notices.some((t) => t.includes('the peer reset the connection (RST)')), 'the reset notice');
    expect(await shell.ok('sockets')).toMatch(/ g .*RESET/);
    expect(await shell.ok('y = g.recv 10')).toContain("y = b''"); // for the FIN, as Python's recv returns
    expect((await shell.run('g.send second')).err).toContain('EPIPE');
    expect((await rows('g')).slice(3)).toEqual([
      '◄┄ FIN ┄',
      "─ send 5 B b'first' ─►",
      '◄┄ RST (the next send: EPIPE) ┄',
      "recv → b'' (the peer closed)",
    ]);
  });

  it("after the peer's reset, recv's b'' is drawn as the reset's, not a FIN's (Python: ConnectionResetError, then b'')", async () => {
    const peer = await scriptedPeer();
    const notices: string[] = [];
    shell = new CoreDriver({ maxWaitMs: HANG_MS, onLine: (l) => void notices.push(l.text) });
    await shell.ok(`g = tcp.connect 127.0.0.1 ${peer.port}`);
    await peer.do('reset');
    await waitFor(() => notices.some((t) => t.includes('ECONNRESET arrived')), 'the reset notice');
    expect((await shell.run('g.recv 10')).err).toContain('ECONNRESET');
    expect(await shell.ok('y = g.recv 10')).toContain("y = b''");
    expect((await rows('g')).slice(3)).toEqual(['◄┄ RST (ECONNRESET) ┄', "recv → b'' (the connection was reset)"]);
  });

  it("a reset between two sockets of this shell: the reset side's recv b'' is drawn as the reset's", async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('w = tcp.listen 127.0.0.1 0', 'a = w.getsockname', 'c = tcp.connect $a', 'k, ka = w.accept');
    await shell.ok('c.setsockopt SO_LINGER 0', 'c.close');
    await waitFor(() => shell!.core.session.engine.list().some((s) => s.name === 'k' && s.state === 'RESET'), 'k reset');
    expect((await shell.run('k.recv 10')).err).toContain('ECONNRESET');
    expect(await shell.ok('y = k.recv 10')).toContain("y = b''");
    expect((await rows('k')).slice(-2)).toEqual(['ECONNRESET arrived', "recv → b'' (the connection was reset)"]);
  });

  it('notes what was read of the sends of a socket of this shell, and how many sends one recv returned, as sockets counts them', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    // Sent before accept: the kernel holds both sends until accept, and the first read takes them together.
    await shell.ok('w = tcp.listen 127.0.0.1 0', 'a = w.getsockname', 'c = tcp.connect $a', 'c.send abc', 'c.send def');
    await shell.ok('k, ka = w.accept');
    await waitFor(() => shell!.core.session.engine.list().some((s) => s.name === 'k' && s.bytesReceived === 6), '6 bytes at k');
    // The sends are the sender's record: two, whatever the reads were (before the fix nothing was said of one read).
    expect((await shell.run('x = k.recv 100')).out).toContain(
      'these 6 bytes were 2 sends of c and one recv returned them together: TCP is a byte stream and keeps no message boundaries',
    );
    const count = await received('k');
    const drawn = await rows('k');
    expect(drawn.slice(0, 3)).toEqual(["─ send 3 B b'abc' ─►", "─ send 3 B b'def' ─►", "┄ accept: new socket for ('127.0.0.1', PORT) ┄►"]);
    // One read or two, as the shell took them off the connection (tcpdump shows two segments either way):
    // the note says what was read, of how many sends, never that they arrived so; or the two arrows were the two pieces.
    if (count === '6 in 1 piece') expect(drawn.slice(3)).toEqual(['the shell read 6 B of 2 sends in 1 piece', "recv → 6 B b'abcdef'"]);
    else expect([count, drawn.slice(3)]).toEqual(['6 in 2 pieces', ["recv → 6 B b'abcdef'"]]);
  });

  it("draws the handshake of a client outside the shell on the server's side, as the kernel's, done before accept at a time not known (user trial)", async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('s = tcp.listen 127.0.0.1 0', 'a = s.getsockname');
    const port = (await shell.ok('print $a[1]')).trim();
    const client = spawn('python3', ['-c', `import socket; s = socket.create_connection(('127.0.0.1', ${port})); s.recv(1)`], {
      stdio: 'ignore',
    });
    stopPeer = () => {
      if (client.exitCode === null && client.pid) process.kill(client.pid, 'SIGKILL');
    };
    await shell.ok('conn, a = s.accept');
    const drawn = await rows('s');
    expect(drawn.slice(2)).toEqual([
      'handshake done by the kernel before accept (when: not known)',
      '◄┄ SYN ┄',
      '┄ SYN+ACK (the kernel) ┄►',
      '◄┄ ACK: queued for accept ┄',
      "┄ accept: new socket for ('127.0.0.1', PORT) ┄►",
    ]);
  });
});

describe('diagram lanes go by the labels sockets shows (issue 11)', () => {
  it('titles each lane with its label now, a closed one with its last label, and diagram NAME picks those alone', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('w = tcp.listen 127.0.0.1 0', 'a = w.getsockname', 'u = udp.bind 127.0.0.1 0', 'ua = u.getsockname');
    await shell.ok('clientSocket = udp.socket', 'clientSocket.sendto one $ua', 'clientSocket.close');
    await shell.ok('clientSocket = udp.socket', 'clientSocket.sendto two $ua');
    await shell.ok('clientSocket = tcp.connect $a'); // the UDP socket is kept, as clientSocket2
    expect(await shell.ok('sockets')).toMatch(/clientSocket2 +│ UDP/);
    const titles = (text: string) =>
      text
        .split('\n')[0]!
        .trim()
        .split(/\s{2,}/);
    expect(titles(await shell.ok('diagram'))).toEqual([
      'w',
      'u',
      'clientSocket (closed)',
      'clientSocket2',
      'clientSocket',
      '(not accepted yet)',
    ]);
    // The two sockets labelled clientSocket and the lanes they exchanged with; not clientSocket2.
    expect(titles(await shell.ok('diagram clientSocket'))).toEqual(['w', 'u', 'clientSocket (closed)', 'clientSocket']);
    expect(titles(await shell.ok('diagram clientSocket2'))).toEqual(['u', 'clientSocket2']);
  });
});
