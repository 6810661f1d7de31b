/**
 * What a TCP connection's calls say once the peer has reset it, held against Python on Linux
 * (test/peers/AfterReset.py runs the same steps as a python3 client; test/peers/ScriptedPeer.py is
 * the shell's peer, doing what AfterReset.py's peer does):
 *   - a recv waiting while a send meets the reset that a closed peer answers data with (EPIPE) is not
 *     handed the send's EPIPE, which Linux's recv never returns: it returns what the peer sent, then
 *     b''. A recv waiting when the reset itself arrives takes ECONNRESET, as a thread blocked in
 *     Linux's recv does, and the send after it gets EPIPE.
 *   - shutdown on a reset connection fails with ENOTCONN, whatever how (the kernel's socket is
 *     closed), and leaves a reset not yet reported for recv; on a Unix connection it succeeds.
 * The shell's waiting recv needs its event loop blocked while the peer acts (blockUntil), so that the
 * send, not Node's reading, is the first to meet the connection's end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import type { ShutdownHow, SocketHandle } from '../src/engine/types.js';
import { BACK_END, rig, until, type Rig } from './engine-helpers.js';
import { hasPython, PEERS } from './helpers/proc.js';
import { unixPeer } from './helpers/unix-peer.js';
import { blockUntil, waitFor } from './helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'sockshell-send-refused-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let r: Rig | null = null;
const stops: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await r?.engine.closeAll();
  r = null;
  for (const stop of stops.splice(0)) await stop();
});

/** Python's answers: AfterReset.py's lines for the peer's acts and the client's steps. */
function python(peerActs: string, steps: readonly string[]): string[] {
  const run = spawnSync('python3', [join(PEERS, 'AfterReset.py'), peerActs, ...steps], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).toBe('');
  return run.stdout.trim().split('\n');
}

/** The shell connected to a ScriptedPeer.py; act(line) writes the peer a step without waiting. */
async function connected(): Promise<{ c: SocketHandle; act: (line: string) => void }> {
  const child = spawn('python3', [join(PEERS, 'ScriptedPeer.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  stops.push(() => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('\n'), 'ScriptedPeer.py to print its port');
  r = rig();
  const c = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
  await r.engine.connect(c, '127.0.0.1', Number(out.split('\n')[0]), {});
  return { c, act: (line) => void child.stdin.write(`${line}\n`) };
}

/** The peer does acts (comma-separated, as AfterReset.py takes them) while this process's event loop is blocked. */
function peerActsBlocked(act: (line: string) => void, acts: string, name: string): void {
  const done = join(dir, name);
  for (const a of acts.split(',')) act(a);
  act(`touch ${done}`);
  blockUntil(() => existsSync(done), `the peer to ${acts}`);
}

/** A call's outcome as AfterReset.py prints Python's: "send 10", "recv b'bye'", "shutdown OSError". */
async function outcome(call: string, f: () => unknown): Promise<string> {
  try {
    const got = await f();
    if (Buffer.isBuffer(got)) return `${call} b'${got.toString('latin1')}'`;
    return `${call} ${typeof got === 'number' ? got : 'ok'}`;
  } catch (err) {
    if (err instanceof SocketError) return `${call} ${err.python}`;
    throw err;
  }
}

const send = (c: SocketHandle) => outcome('send', () => r!.engine.send(c, Buffer.from('x'.repeat(10)), {}));
const recv = (c: SocketHandle) => outcome('recv', () => r!.engine.recv(c, 100, { maxWaitMs: 5000 }));
const shutdown = (c: SocketHandle, how: ShutdownHow) => outcome('shutdown', () => r!.engine.shutdown(c, how));

describe.runIf(hasPython)('calls on a connection the peer reset, as Linux answers them', () => {
  it("a recv waiting while a send meets the reset after the peer's FIN returns b'' (never the send's EPIPE)", async () => {
    const { c, act } = await connected();
    const waiting = recv(c);
    peerActsBlocked(act, 'close', 'fin');
    const sends = [await send(c), await send(c)];
    expect([...sends, await waiting, await recv(c)]).toEqual(python('close', ['waiting-recv', 'send', 'send', 'recv']));
  });

  // The loop back end writes through Node, which destroys its socket when a write fails: bytes of the
  // peer's it had not read yet go with it, and recv returns b'' (README "Stream sockets" says so).
  it.runIf(BACK_END === 'native')("the waiting recv still returns the bytes the peer sent before its FIN, then b''", async () => {
    const { c, act } = await connected();
    const waiting = recv(c);
    peerActsBlocked(act, 'send bye,close', 'data-fin');
    expect([await send(c), await send(c), await waiting, await recv(c)]).toEqual([
      'send 10',
      'send BrokenPipeError',
      "recv b'bye'",
      "recv b''",
    ]);
    expect(python('send bye,close', ['send', 'send', 'recv', 'recv'])).toEqual([
      'send 10',
      'send BrokenPipeError',
      "recv b'bye'",
      "recv b''",
    ]);
  });

  it('a recv waiting when the reset itself arrives takes ECONNRESET, and the sends get EPIPE', async () => {
    const { c, act } = await connected();
    const waiting = recv(c);
    peerActsBlocked(act, 'reset', 'rst');
    const sends = [await send(c), await send(c)];
    expect([...sends, await recv(c), await waiting].sort()).toEqual(python('reset', ['waiting-recv', 'send', 'send', 'recv']).sort());
  });

  it("shutdown after the reset that answered data sent after the peer's FIN: ENOTCONN, whatever how", async () => {
    const { c, act } = await connected();
    act('close');
    await until(() => r!.engine.info(c).state === 'CLOSE_WAIT');
    const steps = ['send', 'send', 'shutdown wr', 'shutdown rd', 'recv'];
    const shell = [await send(c), await send(c), await shutdown(c, 'wr'), await shutdown(c, 'rd'), await recv(c)];
    expect(shell).toEqual(python('close', steps));
    expect(shell[2]).toBe('shutdown OSError');
  });

  it('shutdown after a reset before any FIN: ENOTCONN, and recv still raises the reset once', async () => {
    const { c, act } = await connected();
    act('reset');
    await until(() => r!.engine.info(c).state === 'RESET');
    const shell = [await shutdown(c, 'wr'), await shutdown(c, 'rdwr'), await recv(c), await recv(c)];
    expect(shell).toEqual(python('reset', ['shutdown wr', 'shutdown rdwr', 'recv', 'recv']));
  });

  it("a Unix connection's shutdown after its peer closed succeeds, as Linux's does", async () => {
    const path = join(dir, 'unix.sock');
    const peer = await unixPeer('listen', path);
    stops.push(() => peer.server.stop());
    r = rig();
    const c = r.engine.create('tcp', 'unix', { name: 'c', owner: 'main' });
    await r.engine.connect(c, path, 0, {});
    expect(await peer.step('close')).toBe('close None');
    expect([await shutdown(c, 'wr'), await recv(c)]).toEqual(['shutdown ok', "recv b''"]);
  });

  it("a sendall the peer's close stops counts only what its kernel took: not the piece Node still held", async () => {
    // On a Unix connection every byte the kernel took is in the peer's receive queue (FIONREAD): the true count.
    const path = join(dir, 'sendall.sock');
    const peer = await unixPeer('listen', path);
    stops.push(() => peer.server.stop());
    r = rig();
    const c = r.engine.create('tcp', 'unix', { name: 'c', owner: 'main' });
    await r.engine.connect(c, path, 0, {});
    const size = 8_000_000;
    const stoppedWith = r.engine.sendall(c, Buffer.alloc(size), {}).then(
      () => 'sent all',
      (err: Error) => err.message,
    );
    await until(() => r!.engine.info(c).waiting === 'sendall'); // the kernel is full; Node holds a piece
    const queued = /^queued (\d+)$/.exec(await peer.step('queued'));
    expect(queued).not.toBeNull();
    const took = Number(queued![1]);
    expect(took).toBeGreaterThan(0);
    expect(await peer.step('close')).toBe('close None');
    expect(await stoppedWith).toMatch(new RegExp(`^EPIPE: .*; sendall had sent at least ${took} bytes of ${size} when it stopped`));
    expect(r.of('sent').map((e) => e.bytes)).toEqual([took]);
  });
});
