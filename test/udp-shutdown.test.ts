/**
 * shutdown on a UDP socket, as Linux does it for Python (it was refused: "UDP socket c has no
 * connection to shut down"). The same steps run in python3 and in the shell, and each step's
 * outcome (the value, or the exception's class) must be the same; the shell's words say what the
 * call did and did not do (no packet: UDP has no FIN). A receive waiting when shutdown rd comes
 * returns b'', as Linux wakes it.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SocketHandle } from '../src/engine/types.js';
import { fails, rig, type Rig } from './engine-helpers.js';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

/** Each step: the shell's line, and Python's statement whose value is the outcome (p: the peer, c: connected, u: not). */
const STEPS: readonly (readonly [string, string])[] = [
  ['c.shutdown wr', 'c.shutdown(SHUT_WR)'],
  ['c.send hi', "c.send(b'hi')"],
  ['p.sendto back $ca', "p.sendto(b'back', ca)"],
  ['c.recv 100', 'c.recv(100)'],
  ['c.shutdown rd', 'c.shutdown(SHUT_RD)'],
  ['c.recv 100', 'c.recv(100)'],
  ['c.recvfrom 100', 'c.recvfrom(100)'],
  ['c.settimeout 0', 'c.settimeout(0)'],
  ['c.recv 100', 'c.recv(100)'],
  ['c.settimeout 0.2', 'c.settimeout(0.2)'],
  ['c.recv 100', 'c.recv(100)'],
  ['p.sendto late $ca', "p.sendto(b'late', ca)"],
  ['c.settimeout 20', 'c.settimeout(20)'],
  ['c.recv 100', 'c.recv(100)'],
  ['c.settimeout none', 'c.settimeout(None)'],
  ['c.recv 100', 'c.recv(100)'],
  ['c.shutdown rdwr', 'c.shutdown(SHUT_RDWR)'],
  ['c.getpeername', 'c.getpeername() == pa'],
  ['u.shutdown wr', 'u.shutdown(SHUT_WR)'],
  ['u.sendto x $pa', "u.sendto(b'x', pa)"],
  ['u.shutdown rd', 'u.shutdown(SHUT_RD)'],
  ['u.recvfrom 100', 'u.recvfrom(100)'],
  ['p.settimeout 0', 'p.settimeout(0)'],
  ['p.recvfrom 100', 'p.recvfrom(100)'], // what came: nothing, as neither send went
];

/** Python's outcome of each step: repr of the value, or the exception's class. */
function python(): string[] {
  const code = [
    'from socket import *',
    "p = socket(AF_INET, SOCK_DGRAM); p.bind(('127.0.0.1', 0)); pa = p.getsockname()",
    'c = socket(AF_INET, SOCK_DGRAM); c.connect(pa); ca = c.getsockname()',
    "u = socket(AF_INET, SOCK_DGRAM); u.bind(('127.0.0.1', 0))",
    'for step in __import__("sys").argv[1:]:',
    '    try: print(repr(eval(step)))',
    '    except Exception as e: print(type(e).__name__)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', code, ...STEPS.map(([, py]) => py)], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
  return r.stdout.trimEnd().split('\n');
}

describe('shutdown on a UDP socket, as in Python on Linux', () => {
  const shell = new CoreDriver();
  afterAll(() => shell.close());

  it.skipIf(!hasPython)('each step gives what Python gives', async () => {
    const expected = python();
    expect(expected).toHaveLength(STEPS.length);
    await shell.ok('p = udp.bind 127.0.0.1 0', 'pa = p.getsockname', 'c = udp.socket', 'c.connect $pa', 'ca = c.getsockname');
    await shell.ok('u = udp.bind 127.0.0.1 0');
    const got: string[] = [];
    for (const [line, py] of STEPS) {
      const r = await shell.run(line);
      const error = /\((\w+)\)$/.exec(r.err.trim());
      const value = r.out
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(' '))
        .at(-1);
      // getpeername is compared by value in Python: the shell's is the same address when it prints pa's.
      const outcome =
        error !== null ? error[1]! : py.endsWith('== pa') ? String(value === (await shell.run('$pa')).out.trim()) : (value ?? 'None');
      got.push(outcome === 'true' ? 'True' : outcome);
    }
    expect(got).toEqual(expected);
  });

  it('says that nothing was sent, and what changed for the socket', async () => {
    await shell.ok('q = udp.bind 127.0.0.1 0', 'qa = q.getsockname', 'd = udp.socket', 'd.connect $qa');
    const wr = await shell.run('d.shutdown wr');
    expect(wr.err).toBe('');
    expect(wr.out).toMatch(/^# d shut down for writing: nothing was sent, as UDP has no connection and no FIN .*BrokenPipeError/);
    expect((await shell.run('d.send hi')).err.trim()).toMatch(
      /EPIPE: d was shut down for writing .*the peer was told nothing \(UDP has no FIN\).*\(BrokenPipeError\)$/,
    );
    expect((await shell.run('d.shutdown rd')).out).toMatch(
      /^# d shut down for reading: nothing was sent.* recv returns b'' instead of waiting/,
    );
    const unconnected = await shell.run('q.shutdown wr');
    expect(unconnected.err.trim()).toMatch(
      /ENOTCONN: UDP socket q is not connected, so Linux refuses shutdown .*yet marks it shut all the same: its sends now raise BrokenPipeError.*\(OSError\)$/,
    );
  });

  it('help says what it does on UDP, not "TCP sockets only"', async () => {
    const help = (await shell.run('help shutdown')).out;
    expect(help).toContain('On a connected UDP socket nothing is sent');
    expect(help).not.toMatch(/sockets only/);
  });
});

describe('a receive waiting when shutdown rd comes', () => {
  let r: Rig;
  afterEach(async () => {
    await r.engine.closeAll();
  });

  it("returns b'' (recv) and (b'', None) (recvfrom), as Linux wakes it", async () => {
    r = rig();
    const p = r.engine.create('udp', 4, { name: 'p', owner: 'main' });
    const pa = await r.engine.bind(p, '127.0.0.1', 0);
    const c: SocketHandle = r.engine.create('udp', 4, { name: 'c', owner: 'main' });
    await r.engine.connect(c, pa.host, pa.port, {});
    const waiting = r.engine.recv(c, 100, {});
    await r.engine.shutdown(c, 'rd');
    expect((await waiting).length).toBe(0);
    expect(r.of('shut').at(-1)).toMatchObject({ socket: 'c', how: 'rd', fin: false });
    const u = r.engine.create('udp', 4, { name: 'u', owner: 'main' });
    await r.engine.bind(u, '127.0.0.1', 0);
    const waitingFrom = r.engine.recvfrom(u, 100, {});
    await fails(() => r.engine.shutdown(u, 'rdwr'), 'ENOTCONN', 'OSError');
    expect(await waitingFrom).toMatchObject({ address: null });
    await fails(r.engine.sendto(u, Buffer.from('x'), pa.host, pa.port, {}), 'EPIPE', 'BrokenPipeError');
  });
});
