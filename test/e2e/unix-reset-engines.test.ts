import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasPython } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';
import { unixPeer, type UnixPeer } from '../helpers/unix-peer.js';

/**
 * A Unix stream reset through `sockshell run`, with each engine (the native addon's blocking calls,
 * and SOCKSHELL_ENGINE=loop), a python3 peer on the other side (test/peers/UnixPeer.py), and Python's
 * answers as the truth (test/unix-reset.test.ts has them from two python3 processes): the peer that
 * closes with bytes unread makes the shell's recv raise ConnectionResetError after the peer's own
 * bytes, and the shell's close with bytes unread makes the peer's recv raise it.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-unix-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let shell: ShellProcess | null = null;
let peer: UnixPeer | null = null;
afterEach(async () => {
  shell?.stop();
  shell = null;
  await peer?.server.stop();
  peer = null;
});

describe.runIf(hasPython).each(['native', 'loop'])('a Unix reset, SOCKSHELL_ENGINE=%s', (engine) => {
  it("the python3 peer closes with the shell's bytes unread: b'bye', then ECONNRESET (ConnectionResetError), exit 1", async () => {
    const path = join(dir, `reader-${engine}.sock`);
    const script = join(dir, `reader-${engine}.sock.txt`);
    // `input` waits for the test's word that the peer has closed.
    writeFileSync(script, `c = unix.connect ${path}\nc.send hello\nline = input\ndata = c.recv 100\nprint $data\nc.recv 100\n`);
    peer = await unixPeer('listen', path);
    shell = new ShellProcess(['run', script], undefined, [], { SOCKSHELL_ENGINE: engine });
    expect(await peer.step('peek')).toBe("peek b'hello'");
    expect(await peer.step('send bye')).toBe('send 3');
    expect(await peer.step('close')).toBe('close None');
    shell.child.stdin!.end('go\n');
    expect(await shell.exit).toBe(1);
    expect(shell.out).toBe('bye\n');
    expect(shell.err).toMatch(/:6:\d+: ECONNRESET: the peer reset the connection of c .*\(ConnectionResetError\)\n$/);
  });

  it("the shell closes with the python3 peer's bytes unread: the peer's recv raises ConnectionResetError, then b'', and send BrokenPipeError", async () => {
    const path = join(dir, `closer-${engine}.sock`);
    const script = join(dir, `closer-${engine}.sock.txt`);
    writeFileSync(script, `s = unix.listen ${path}\nprint listening\nconn, addr = s.accept\nline = input\nconn.close\nprint closed\n`);
    shell = new ShellProcess(['run', script], undefined, [], { SOCKSHELL_ENGINE: engine });
    await shell.waitFor('listening');
    peer = await unixPeer('connect', path);
    expect(await peer.step('send hello')).toBe('send 5'); // in the shell's receive queue when send returns
    shell.child.stdin!.end('go\n');
    expect(await shell.exit).toBe(0);
    expect(shell.out).toBe('listening\nclosed\n');
    const answers: string[] = [];
    for (const s of ['recv', 'recv', 'send x']) answers.push(await peer.step(s));
    expect(answers).toEqual(['recv ConnectionResetError', "recv b''", 'send BrokenPipeError']);
  });

  // Without the addon (loop) Node reads a waiting call's chunk whole: README "TLS and Unix domain sockets".
  it.runIf(engine === 'native')(
    "a recv 5 that waited leaves the rest of the peer's bytes in the kernel: the shell's close resets the peer",
    async () => {
      const path = join(dir, `waited-${engine}.sock`);
      const script = join(dir, `waited-${engine}.sock.txt`);
      writeFileSync(
        script,
        `s = unix.listen ${path}\nprint listening\nconn, addr = s.accept\ndata = conn.recv 5\nprint $data\nconn.close\n`,
      );
      shell = new ShellProcess(['run', script], undefined, [], { SOCKSHELL_ENGINE: engine });
      await shell.waitFor('listening');
      peer = await unixPeer('connect', path);
      expect(await peer.step('send hello world')).toBe('send 11');
      expect(await shell.exit).toBe(0);
      expect(shell.out).toBe('listening\nhello\n');
      expect(await peer.step('recv')).toBe('recv ConnectionResetError');
    },
  );
});
