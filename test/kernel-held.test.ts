/**
 * What the kernel already holds for a socket, and the shell has not read yet, must decide what the
 * shell says of it, as it decides what Python's next call returns. Piped lines run without a turn of
 * the event loop between them, so Node has not read it yet:
 *   - a connected UDP socket whose datagram came back as ICMP port unreachable: the kernel holds the
 *     error (ECONNREFUSED), which Python's next recv or send raises, once. `sockets`, the diagram and
 *     explain said "nothing came back" / "nothing has gone wrong yet";
 *   - a non-blocking (settimeout 0) recv, recvfrom: Python returns what the kernel holds (a datagram,
 *     bytes, the error); the shell said EAGAIN, "would have to wait".
 * python3 runs each case first, so the test states what the kernel does, not what we think it does.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { hasPython } from './helpers/proc.js';
import { pipedSession } from './helpers/piped.js';
import { HANG_MS } from './helpers/wait.js';

/** python3's lines' output (a closed UDP port: bound, then closed, so the kernel answers ICMP port unreachable). */
function python(lines: readonly string[]): string[] {
  const code = [
    'import socket',
    'def tried(f):',
    '    try: return repr(f())',
    '    except OSError as e: return type(e).__name__',
    "p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); p.bind(('127.0.0.1', 0)); pa = p.getsockname(); p.close()",
    ...lines,
  ].join('\n');
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n');
}

/** The shell's error lines (stderr), each as `LINE: CODE`. */
function errors(err: string): string[] {
  return [...err.matchAll(/^<stdin>:(\d+):\d+: ([A-Z]+):/gm)].map((m) => `${m[1]}: ${m[2]}`);
}

const CLOSED_PORT = ['p = udp.bind 127.0.0.1 0', 'pa = p.getsockname', 'p.close', 'u = udp.socket', 'u.connect $pa', 'u.send hi'];

it.skipIf(!hasPython)(
  'a connected UDP socket whose ICMP port unreachable the kernel holds: every view says so, and the next call raises it once',
  async () => {
    // Python: the first recv raises it, the kernel then holds nothing (a non-blocking recv finds nothing).
    expect(
      python([
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(pa); u.send(b'hi')",
        'print(tried(lambda: u.recv(10)))',
        'u.setblocking(False)',
        'print(tried(lambda: u.recv(10)))',
      ]),
    ).toEqual(['ConnectionRefusedError', 'BlockingIOError']);
    const r = await pipedSession(
      [...CLOSED_PORT, 'sockets', 'diagram', 'explain', 'u.recv 10', 'u.settimeout 0', 'u.recv 10', ''].join('\n'),
    );
    // Lines 10 and 12: the stored error once, then nothing held.
    expect(errors(r.err)).toEqual(['10: ECONNREFUSED', '12: EAGAIN']);
    const out = r.out.replace(/\s+/g, ' ');
    expect(out).toMatch(/ECONNREFUSED arrived on u while no call was waiting/);
    expect(out).not.toMatch(/nothing came back/);
    expect(out).toMatch(/ICMP port unreachable \(ECONNREFUSED\)/);
    expect(out).not.toMatch(/nothing has gone wrong yet/);
    expect(out).toMatch(/ECONNREFUSED: Nothing is listening/);
  },
);

it.skipIf(!hasPython)(
  'a non-blocking recv on a connected UDP socket whose ICMP error the kernel holds raises it, as Python does',
  async () => {
    expect(
      python([
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(pa); u.setblocking(False); u.send(b'hi')",
        'print(tried(lambda: u.recv(10)))',
        'print(tried(lambda: u.recv(10)))',
      ]),
    ).toEqual(['ConnectionRefusedError', 'BlockingIOError']);
    const r = await pipedSession([...CLOSED_PORT.slice(0, 5), 'u.settimeout 0', 'u.send hi', 'u.recv 10', 'u.recv 10', ''].join('\n'));
    expect(errors(r.err)).toEqual(['8: ECONNREFUSED', '9: EAGAIN']);
  },
);

it.skipIf(!hasPython)(
  'a non-blocking recvfrom returns the datagram the kernel holds, as Python does; sockets counts it before',
  async () => {
    expect(
      python([
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.setblocking(False)",
        "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.sendto(b'hi', s.getsockname())",
        'print(tried(lambda: s.recvfrom(10)[0]))',
        'print(tried(lambda: s.recvfrom(10)[0]))',
      ]),
    ).toEqual(["b'hi'", 'BlockingIOError']);
    const r = await pipedSession(
      [
        's = udp.bind 127.0.0.1 0',
        'sa = s.getsockname',
        's.settimeout 0',
        'c = udp.socket',
        'c.sendto hi $sa',
        'sockets',
        'd, addr = s.recvfrom 10',
        'expect $d == b"hi"',
        's.recvfrom 10',
        '',
      ].join('\n'),
    );
    expect(errors(r.err)).toEqual(['9: EAGAIN']);
    expect(r.out).toMatch(/│ s +│ UDP +│ 127\.0\.0\.1:\d+ +│ - +│ BOUND +│ 1 datagram \(2 B\) /);
    expect(r.err).not.toMatch(/expected/);
  },
);

it.skipIf(!hasPython)("a non-blocking recv on a TCP connection returns the bytes the kernel holds, then b'' after the FIN", async () => {
  expect(
    python([
      "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)",
      'c = socket.create_connection(l.getsockname()); a, _ = l.accept(); a.setblocking(False)',
      "c.send(b'hi')",
      'print(tried(lambda: a.recv(10)))',
      'c.close()',
      'print(tried(lambda: a.recv(10)))',
    ]),
  ).toEqual(["b'hi'", "b''"]);
  const r = await pipedSession(
    [
      'l = tcp.listen 127.0.0.1 0',
      'la = l.getsockname',
      'c = tcp.connect $la',
      'a, addr = l.accept',
      'a.settimeout 0',
      'c.send hi',
      'x = a.recv 10',
      'c.close',
      'y = a.recv 10',
      'expect $x == b"hi"',
      'expect $y == b""',
      '',
    ].join('\n'),
  );
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
});

it('a send that meets the ICMP error the kernel holds raises it, and the diagram draws the ICMP that came back', async () => {
  const r = await pipedSession([...CLOSED_PORT, 'u.send two', 'diagram', ''].join('\n'));
  expect(errors(r.err)).toEqual(['7: ECONNREFUSED']);
  const out = r.out.replace(/\s+/g, ' ');
  expect(out).toMatch(/ICMP port unreachable \(ECONNREFUSED\)/);
  expect(out).not.toMatch(/nothing came back/);
});
