/**
 * What `sockets` says of a socket that was shut down must be what the kernel holds. ss shows
 * Linux's shutdown marks (sk_shutdown) at the end of `ss -e`: `<--` writing shut, `-->` reading
 * shut, `---` both, `<->` neither. python3 makes the sockets first and ss reads them; then the shell
 * makes the same, and its table must carry the same marks. Before, a UDP socket shut down was shown
 * as plain CONNECTED or BOUND (devuser5 made UDP shutdown work as Linux's; the table did not say
 * it), and a TCP connection shut for reading alone as plain ESTABLISHED.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { hasPython } from './helpers/proc.js';
import { pipedSession } from './helpers/piped.js';
import { HANG_MS } from './helpers/wait.js';

const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0;

/** The shutdown each socket gets (null: none); u is unconnected, so its shutdown fails (ENOTCONN) yet marks it, as Linux does. */
const UDP: readonly (readonly [string, string | null])[] = [
  ['c', 'wr'],
  ['d', 'rd'],
  ['e', 'rdwr'],
  ['u', 'rdwr'],
  ['f', null],
];
const HOW: Record<string, string> = { wr: 'SHUT_WR', rd: 'SHUT_RD', rdwr: 'SHUT_RDWR' };
/** ss's mark for each, as words: what the table must say. */
const MARK: Record<string, string> = { '<--': 'wr', '-->': 'rd', '---': 'rdwr', '<->': '' };

/** ss's shutdown marks of python3's UDP sockets, by name. */
function kernelMarks(): Record<string, string> {
  const code = [
    'import socket, subprocess, sys',
    "p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); p.bind(('127.0.0.1', 0))",
    'names, socks = sys.argv[1::2], sys.argv[2::2]',
    'port = {}',
    'for n, how in zip(names, socks):',
    "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))",
    "    if n != 'u': s.connect(p.getsockname())",
    "    if how != '-':",
    '        try: s.shutdown(getattr(socket, how))',
    '        except OSError: pass',
    '    port[s.getsockname()[1]] = (n, s)',
    "out = subprocess.run(['ss', '-uane'], capture_output=True, text=True).stdout",
    'for row in out.splitlines()[1:]:',
    '    f = row.split()',
    "    p_ = int(f[3].rsplit(':', 1)[1])",
    '    if p_ in port: print(port[p_][0], f[-1])',
  ].join('\n');
  const args = UDP.flatMap(([n, how]) => [n, how === null ? '-' : HOW[how]!]);
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
  const marks: Record<string, string> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const [name, mark] = line.split(' ');
    marks[name!] = MARK[mark!] ?? `unknown mark ${mark}`;
  }
  return marks;
}

/** The state cell of each socket's row in the shell's boxed `sockets` table, by name. */
function stateCells(table: string): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const row of table.split('\n')) {
    const c = row.split('│').map((x) => x.trim());
    if (c.length > 5 && c[1] !== 'name') cells[c[1]!.replace(/^\* /, '')] = c[5]!;
  }
  return cells;
}

it.skipIf(!hasPython || !hasSs)('UDP sockets shut down: sockets carries the marks ss shows for python3 sockets shut so', async () => {
  const kernel = kernelMarks();
  expect(kernel).toEqual({ c: 'wr', d: 'rd', e: 'rdwr', u: 'rdwr', f: '' });
  const lines = ['p = udp.bind 127.0.0.1 0', 'pa = p.getsockname'];
  for (const [n, how] of UDP) {
    lines.push(`${n} = udp.bind 127.0.0.1 0`);
    if (n !== 'u') lines.push(`${n}.connect $pa`);
    if (how !== null) lines.push(`${n}.shutdown ${how}`); // piped lines go on after a failed call (u: ENOTCONN)
  }
  const r = await pipedSession([...lines, 'sockets', ''].join('\n'));
  const cells = stateCells(r.out);
  for (const [n] of UDP) {
    const base = n === 'u' ? 'BOUND' : 'CONNECTED';
    expect(`${n}: ${cells[n]}`).toBe(`${n}: ${kernel[n] === '' ? base : `${base} (shut ${kernel[n]})`}`);
  }
});

it.skipIf(!hasSs)('a TCP connection shut for reading only: sockets says so, as ss shows -->', async () => {
  const r = await pipedSession(
    ['l = tcp.listen 127.0.0.1 0', 'la = l.getsockname', 'k = tcp.connect $la', 'a, addr = l.accept', 'k.shutdown rd', 'sockets', ''].join(
      '\n',
    ),
  );
  const cells = stateCells(r.out);
  expect([cells.k, cells.a, cells.l]).toEqual(['ESTABLISHED (shut rd)', 'ESTABLISHED', 'LISTEN']);
});

it('explain after shutdown failed on an unconnected UDP socket speaks of UDP, not of TCP alone', async () => {
  const r = await pipedSession(['u = udp.bind 127.0.0.1 0', 'u.shutdown wr', 'explain', ''].join('\n'));
  expect(r.err).toMatch(/ENOTCONN: UDP socket u is not connected/);
  const said = r.out.replace(/\s+/g, ' ');
  expect(said).toMatch(/^ENOTCONN: /);
  expect(said).toMatch(/UDP/);
  expect(said).toMatch(/marks it/);
});

it('the diagram draws every shutdown, from the one event the engine tells: UDP marks and sends nothing, even when Linux refuses it (ENOTCONN)', async () => {
  const r = await pipedSession(
    [
      'p = udp.bind 127.0.0.1 0',
      'pa = p.getsockname',
      'u = udp.bind 127.0.0.1 0',
      'u.connect $pa',
      'u.shutdown wr',
      'w = udp.bind 127.0.0.1 0',
      'w.shutdown rdwr',
      'l = tcp.listen 127.0.0.1 0',
      'la = l.getsockname',
      'k = tcp.connect $la',
      'k.shutdown rd',
      'diagram',
      '',
    ].join('\n'),
  );
  expect(r.err).toMatch(/^<stdin>:7:3: ENOTCONN/m);
  const notes = r.out.split('\n').flatMap((line) => [...line.matchAll(/│ (shutdown [^│]*?)\s*(?:│|$)/g)].map((m) => m[1]));
  expect(notes).toEqual([
    'shutdown wr: marked; UDP sends nothing',
    'shutdown rdwr: ENOTCONN (not connected), marked all the same; UDP sends nothing',
    'shutdown rd: no packet sent',
  ]);
});
