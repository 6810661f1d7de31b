import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, allLines as all, withoutReceiveNotes, type Ran } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';
import { unixPeer as startPeer, type UnixPeer } from './helpers/unix-peer.js';
import { blockUntil, waitForAsync } from './helpers/wait.js';
import { nativeCalls } from '../src/engine/native.js';

/**
 * The shell's own close resets its peer only when the kernel still holds bytes the shell has not read:
 * the addon reads a Unix connection only as calls ask. Without it Node reads all that comes at once,
 * nothing is left unread in the kernel, and the close is an end of stream (said so, truly); those
 * cases need the addon.
 */
const closeCanReset = nativeCalls().calls !== null;

/**
 * A Unix stream connection closed with bytes unread is reset: Linux makes the peer's next recv fail
 * with ECONNRESET once (after any bytes the closer had sent), then return b''; every send after the
 * peer's close fails with EPIPE and leaves the reset for recv. The shell showed such a reset as an
 * orderly end (b''), and its own close with bytes unread gave its peer an orderly end. Each case
 * is checked against two python3 processes doing the same, then against the shell on one side.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-unix-reset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let d: CoreDriver | undefined;
const peers: UnixPeer[] = [];
afterEach(async () => {
  await d?.close();
  d = undefined;
  await Promise.all(peers.splice(0).map((p) => p.server.stop()));
});

async function unixPeer(role: 'listen' | 'connect', path: string): Promise<UnixPeer> {
  const peer = await startPeer(role, path);
  peers.push(peer);
  return peer;
}

/** A shell call's outcome as UnixPeer.py prints Python's: its value, or the exception's class. */
function outcome(call: string, ran: Ran): string {
  const raised = /\((\w+Error)\)$/m.exec(ran.err);
  return `${call} ${raised ? raised[1] : withoutReceiveNotes(ran.out).trim()}`;
}

/** Python's own answers: a python3 peer that closes as closer says, and a python3 reader doing readerSteps. */
async function pythonAnswers(name: string, closerSteps: string[], readerSteps: string[]): Promise<string[]> {
  const path = join(dir, `${name}-python.sock`);
  const closer = await unixPeer('listen', path);
  const reader = await unixPeer('connect', path);
  expect(await reader.step('send hello')).toBe('send 5');
  for (const s of closerSteps) await closer.step(s);
  const answers: string[] = [];
  for (const s of readerSteps) answers.push(await reader.step(s));
  return answers;
}

/** The shell's c connected to a python3 peer listening at name's path, c's b'hello' sent and seen by the peer's first step. */
async function shellConnected(name: string, first: 'peek' | 'recv'): Promise<UnixPeer> {
  const path = join(dir, `${name}.sock`);
  const peer = await unixPeer('listen', path);
  d = new CoreDriver();
  await d.ok(`c = unix.connect ${path}`, 'c.send hello');
  expect(await peer.step(first)).toBe(`${first} b'hello'`);
  return peer;
}

/** The shell's conn, accepted from a python3 peer that connected to name's path and sent data (in conn's receive queue when its send returned). */
async function shellAccepted(name: string, data: string): Promise<UnixPeer> {
  const path = join(dir, `${name}.sock`);
  d = new CoreDriver();
  await d.ok(`s = unix.listen ${path}`);
  const peer = await unixPeer('connect', path);
  await d.ok('conn, addr = s.accept');
  expect(await peer.step(`send ${data}`)).toBe(`send ${data.length}`);
  return peer;
}

/** c's calls, written as UnixPeer.py's steps ('recv' is recv 100, 'send x'), and their outcomes as it prints Python's. */
async function shellSteps(steps: string[]): Promise<{ ran: Ran[]; answers: string[] }> {
  const ran: Ran[] = [];
  for (const step of steps) ran.push(await d!.run(step === 'recv' ? 'c.recv 100' : `c.${step}`));
  return { ran, answers: ran.map((r, i) => outcome(steps[i]!.split(' ')[0]!, r)) };
}

describe.skipIf(!hasPython)('a Unix stream reset, as Linux tells Python', () => {
  it("the peer closes with the shell's bytes unread and its own pending: recv returns them, then ECONNRESET, then b''; send is EPIPE", async () => {
    const python = await pythonAnswers('peer-closes', ['peek', 'send bye', 'close'], ['recv', 'recv', 'recv', 'send x', 'recv']);
    expect(python).toEqual(["recv b'bye'", 'recv ConnectionResetError', "recv b''", 'send BrokenPipeError', "recv b''"]);

    const peer = await shellConnected('peer-closes', 'peek');
    // The peer's bytes and its close are both pending before Node looks (libuv then saw an end after
    // a short read, and the shell never read the reset: it said b'', the bug).
    const done = join(dir, 'peer-closes.done');
    peer.tell('send bye', 'close', `touch ${done}`);
    blockUntil(() => existsSync(done), 'the peer to close');
    const shell = await shellSteps(['recv', 'recv', 'recv', 'send x', 'recv']);
    expect(shell.answers).toEqual(python);
    expect(shell.ran[1]!.err).toContain('ECONNRESET: the peer reset the connection of c');
    expect(shell.ran.map(all).join('\n')).not.toContain('end of stream');
    const diagram = (await d!.run('diagram')).out;
    expect(diagram).toContain('reset (ECONNRESET: it closed with bytes unread)');
    expect(diagram).not.toMatch(/end of stream|RST|FIN/);
    expect((await d!.run('sockets')).out).toMatch(/\* c .* RESET /);
  });

  it('a send after that close is EPIPE and leaves the reset for the next recv, as in Python', async () => {
    const python = await pythonAnswers('send-first', ['peek', 'close'], ['send x', 'recv', 'recv']);
    expect(python).toEqual(['send BrokenPipeError', 'recv ConnectionResetError', "recv b''"]);

    const peer = await shellConnected('send-first', 'peek');
    expect(await peer.step('close')).toBe('close None');
    expect((await shellSteps(['send x', 'recv', 'recv'])).answers).toEqual(python);
  });

  it("a peer's close with nothing unread is an end of stream: b'' for ever, send EPIPE, and no word of a reset", async () => {
    const python = await pythonAnswers('clean', ['recv', 'close'], ['recv', 'send x', 'recv']);
    expect(python).toEqual(["recv b''", 'send BrokenPipeError', "recv b''"]);

    const peer = await shellConnected('clean', 'recv');
    expect(await peer.step('close')).toBe('close None');
    const shell = await shellSteps(['recv', 'send x', 'recv']);
    expect(shell.answers).toEqual(python);
    expect(shell.ran.map(all).join('\n')).not.toMatch(/reset|RST/);
    expect((await d!.run('diagram')).out).toContain('end of stream');
  });

  it.runIf(closeCanReset)(
    "the shell closes with the peer's bytes unread: the python3 peer's recv raises ConnectionResetError, as when Python closes",
    async () => {
      const python = await pythonAnswers('shell-closes', ['peek', 'close'], ['recv', 'recv', 'send x']);
      expect(python).toEqual(['recv ConnectionResetError', "recv b''", 'send BrokenPipeError']);

      const peer = await shellAccepted('shell-closes', 'hello');
      // The shell used to have read the bytes into its own queue by now, so its close left an empty one.
      await waitForAsync(async () => /conn .* 5 B /.test((await d!.run('sockets')).out), 'the 5 bytes counted at conn');
      const closed = await d!.run('conn.close');
      expect(all(closed)).toContain(
        "conn was closed with 5 bytes unread: as Linux does when a program closes a Unix socket with data unread, the peer's next recv fails with ECONNRESET (ConnectionResetError)",
      );
      expect(all(closed)).not.toMatch(/RST|FIN/);
      const answers: string[] = [];
      for (const s of ['recv', 'recv', 'send x']) answers.push(await peer.step(s));
      expect(answers).toEqual(python);
      const diagram = (await d!.run('diagram')).out;
      expect(diagram).toContain('reset (close with 5 B unread)');
      expect(diagram).not.toMatch(/RST|FIN/);
    },
  );

  it.runIf(closeCanReset)(
    'recv takes what it asks for and no more: the rest stays in the kernel, and a close then resets the peer',
    async () => {
      const peer = await shellAccepted('partial', 'hello-world');
      expect(withoutReceiveNotes((await d!.run('conn.recv 5')).out)).toBe("b'hello'\n");
      expect(all(await d!.run('conn.close'))).toContain('conn was closed with 6 bytes unread');
      expect(await peer.step('recv')).toBe('recv ConnectionResetError');
    },
  );

  it('a listener closed with a connection waiting for accept whose client sent bytes: that client is reset, as Python tells it', async () => {
    const path = join(dir, 'unaccepted.sock');
    d = new CoreDriver();
    await d.ok(`s = unix.listen ${path}`);
    const peer = await unixPeer('connect', path);
    expect(await peer.step('send hello')).toBe('send 5');
    await waitForAsync(async () => (await d!.run('sockets')).out.includes('1 to accept'), 'the connection waiting for accept');
    expect(all(await d.run('s.close'))).toContain('so only a client that had sent bytes is reset');
    expect([await peer.step('recv'), await peer.step('recv')]).toEqual(['recv ConnectionResetError', "recv b''"]);
  });

  it.runIf(closeCanReset)(
    "both ends in the shell: a close with bytes unread resets the other end; SO_LINGER 0 with nothing unread does not (Linux's Unix sockets have no such reset)",
    async () => {
      const path = join(dir, 'both.sock');
      d = new CoreDriver();
      await d.ok(`s = unix.listen ${path}`, `c = unix.connect ${path}`, 'conn, addr = s.accept', 'c.send hello');
      await waitForAsync(async () => /\* conn .* 5 B /.test((await d!.run('sockets')).out), 'the bytes queued at conn');
      const closed = await d.run('conn.close');
      expect(all(closed)).toContain('conn was closed with 5 bytes unread');
      expect(outcome('recv', await d.run('c.recv 100'))).toBe('recv ConnectionResetError');
      expect(outcome('recv', await d.run('c.recv 100'))).toBe("recv b''");
      expect(outcome('send', await d.run('c.send x'))).toBe('send BrokenPipeError');
      await d.ok(`t = unix.connect ${path}`, 'conn2, addr2 = s.accept', 'conn2.setsockopt SO_LINGER 0');
      const lingered = await d.run('conn2.close');
      expect(lingered.err).toBe('');
      expect(all(lingered)).not.toMatch(/RST|reset/);
      expect(outcome('recv', await d.run('t.recv 100'))).toBe("recv b''");
    },
  );
});
