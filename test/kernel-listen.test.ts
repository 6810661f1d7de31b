/**
 * TCP bind and listen as the kernel does them, where the addon is built (the user trial: bind showed a
 * port the kernel did not hold, python3 took it, and `listen 1` let every client connect). Both ways
 * the shell uses the addon: `run` (blocking calls may wait in it) and the interactive shell (they may
 * not). python3 is the other program and, for the backlog, the reference listener.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, nativeCalls } from '../src/engine/index.js';
import type { Engine, EngineEvent, EngineOptions } from '../src/engine/types.js';
import { tcpQueues } from './helpers/kernel.js';
import { freeFixedPort, hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

const main = { owner: 'main' };
let engine: Engine;
let events: EngineEvent[];
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await engine.closeAll();
});

function start(options: Partial<EngineOptions>): void {
  events = [];
  engine = createEngine({ ...options, sink: (e) => events.push(e) });
}

/** What python3's bind of host:port says: 'bound' or the errno's name. */
function pythonBinds(host: string, port: number): string {
  const code = `
import errno, socket
s = socket.socket()
try:
    s.bind((${JSON.stringify(host)}, ${port})); print('bound')
except OSError as e:
    print(errno.errorcode[e.errno])
`;
  return spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS }).stdout.trim();
}

/** A python3 program run to its end; its output. Killed by PID when the test ends first. */
function python(code: string, args: readonly string[]): { out: () => string; done: Promise<void> } {
  const child = spawn('python3', ['-c', code, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  stops.push(() => void (child.exitCode === null && child.signalCode === null && child.pid && process.kill(child.pid, 'SIGKILL')));
  return { out: () => out, done };
}

/** Five clients, one after another, each giving connect 1.5 s: how many connected and how many timed out. */
const CLIENTS = `
import socket, sys
ok = late = 0
held = []
for _ in range(5):
    c = socket.socket(); c.settimeout(1.5)
    try:
        c.connect(('127.0.0.1', int(sys.argv[1]))); ok += 1
    except socket.timeout:
        late += 1
    held.append(c)
print(f'connected {ok} timed out {late}', flush=True)
`;

/** A python3 listener with listen(1) that never accepts, until its stdin closes. */
const LISTENER = `
import socket, sys
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
print('port', l.getsockname()[1], flush=True)
sys.stdin.read()
`;

const WAYS = [
  ['run (blocking calls in the addon)', { blockingCalls: () => true }],
  ['the interactive shell (no blocking calls)', {}],
] as const;

describe.runIf(hasPython && nativeCalls().calls !== null).each(WAYS)('TCP in the kernel: %s', (_, options) => {
  it('bind holds the port at once: python3 cannot bind it, and listen keeps the port bind 0 got', async () => {
    start(options);
    const t = engine.create('tcp', 4, { name: 't', ...main });
    const { port } = await engine.bind(t, '127.0.0.1', 0);
    expect(engine.getsockname(t)).toEqual({ host: '127.0.0.1', port, family: 4 });
    expect(engine.info(t).state).toBe('BOUND');
    expect(pythonBinds('127.0.0.1', port)).toBe('EADDRINUSE');
    await engine.listen(t, 1);
    expect(engine.getsockname(t).port).toBe(port);
    expect(tcpQueues(port, 0), 'the kernel lists the listening socket on that port').not.toBeNull();
    expect(pythonBinds('127.0.0.1', port)).toBe('EADDRINUSE');
  });

  it('bind "" with a fixed port holds it on every interface; close gives it back', async () => {
    start(options);
    const port = await freeFixedPort();
    const w = engine.create('tcp', 4, { name: 'w', ...main });
    await engine.bind(w, '', port);
    expect(engine.getsockname(w)).toEqual({ host: '0.0.0.0', port, family: 4 });
    expect(pythonBinds('127.0.0.1', port)).toBe('EADDRINUSE');
    engine.close(w);
    expect(pythonBinds('127.0.0.1', port)).toBe('bound');
  });

  it('connect after bind goes from the bound port; a refused connect leaves a fixed port bound, to connect again', async () => {
    start(options);
    const s = engine.create('tcp', 4, { name: 's', ...main });
    const { port: serverPort } = await engine.bind(s, '127.0.0.1', 0);
    const c = engine.create('tcp', 4, { name: 'c', ...main });
    // Linux keeps a port the program chose (a bind of 0 is given back when connect fails, in Python too).
    const { port } = await engine.bind(c, '127.0.0.1', await freeFixedPort());
    await expect(engine.connect(c, '127.0.0.1', serverPort, {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(engine.info(c).state).toBe('BOUND');
    expect(pythonBinds('127.0.0.1', port)).toBe('EADDRINUSE');
    await engine.listen(s, 1);
    await engine.connect(c, '127.0.0.1', serverPort, {});
    expect(engine.getsockname(c)).toEqual({ host: '127.0.0.1', port, family: 4 });
    const { address } = await engine.accept(s, { ...main, name: 'conn' });
    expect(address?.port).toBe(port);
  });

  it('listen 1 completes backlog + 1 handshakes, as python3 listen(1) does; the other clients time out', async () => {
    start(options);
    const s = engine.create('tcp', 4, { name: 's', ...main });
    const { port } = await engine.bind(s, '127.0.0.1', 0);
    await engine.listen(s, 1);
    const reference = python(LISTENER, []);
    await waitFor(
      () => /port \d+\n/.test(reference.out()),
      () => `the python3 listener's port (it said ${JSON.stringify(reference.out())})`,
    );
    const pythonPort = /port (\d+)\n/.exec(reference.out())![1]!;
    const ours = python(CLIENTS, [String(port)]);
    const theirs = python(CLIENTS, [pythonPort]);
    await Promise.all([ours.done, theirs.done]);
    const counts = (out: string): number[] => {
      const said = /connected (\d+) timed out (\d+)/.exec(out);
      if (said === null) throw new Error(`the python3 clients said ${JSON.stringify(out)}`);
      return said.slice(1).map(Number);
    };
    const [connected, late] = counts(ours.out());
    expect([connected, late]).toEqual(counts(theirs.out()));
    expect(late, 'some clients waited in vain, as against python3').toBeGreaterThan(0);
    // `sockets` says what the kernel holds: the completed handshakes, each told once, from its own client.
    expect(engine.info(s).queued).toEqual({ unit: 'connections', count: connected, bytes: 0 });
    expect(tcpQueues(port, 0)?.rx).toBe(connected);
    const incoming = events.filter((e) => e.kind === 'incoming');
    expect(incoming).toHaveLength(connected!);
    expect(new Set(incoming.map((e) => e.from?.port)).size).toBe(connected);
    const { address } = await engine.accept(s, { ...main, name: 'conn' });
    expect(incoming.map((e) => e.from?.port)).toContain(address?.port);
    expect(engine.info(s).queued.count).toBe(connected! - 1);
  });
});
