/**
 * Closing a listening socket with connections waiting for accept: Linux resets them, so a client's
 * recv raises ConnectionResetError (python3 is the client, as in the user trial where the shell sent
 * a FIN and recv returned b''). What the shell says of it names them and says they were reset.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventSays } from '../src/session/events.js';
import { rig, until, type Rig } from './engine-helpers.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor, waitForAsync } from './helpers/wait.js';
import { CoreDriver } from './helpers/core-driver.js';

let r: Rig;
afterEach(async () => {
  await r.engine.closeAll();
});

/** Two python3 clients connect to port, print "up", then print what each one's recv gave. */
function clients(port: number): { out: () => string; done: Promise<void>; stop: () => void } {
  const code = `
import socket, sys
cs = [socket.create_connection(('127.0.0.1', ${port})) for _ in range(2)]
print('up', flush=True)
for c in cs:
    c.settimeout(${HANG_MS / 1000})
    try:
        print(repr(c.recv(10)), flush=True)
    except Exception as e:
        print(type(e).__name__, flush=True)
`;
  const child = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { out: () => out, done, stop: () => void (child.exitCode === null && child.pid && process.kill(child.pid, 'SIGKILL')) };
}

describe.skipIf(!hasPython)('closing a listening socket', () => {
  it('resets the connections nobody accepted, as Linux does, and says so', async () => {
    r = rig();
    const s = r.engine.create('tcp', 4, { name: 's', owner: 'main' });
    await r.engine.bind(s, '127.0.0.1', 0);
    await r.engine.listen(s, 5);
    const port = r.engine.info(s).local!.port;
    const peer = clients(port);
    try {
      await until(() => peer.out().includes('up') && r.engine.info(s).queued.count === 2);
      r.engine.close(s);
      await peer.done;
      expect(peer.out().trim().split('\n')).toEqual(['up', 'ConnectionResetError', 'ConnectionResetError']);
    } finally {
      peer.stop();
    }
    const closed = r.of('closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.unaccepted).toEqual({ count: 2, reset: true });
    expect(eventSays(closed[0]!)?.output).toEqual({
      kind: 'warning',
      text: expect.stringMatching(/the 2 connections that were waiting for accept: .* reset \(RST\).*ConnectionResetError/),
    });
  });

  it('says nothing of waiting connections when none were waiting', async () => {
    r = rig();
    const s = r.engine.create('tcp', 4, { name: 's', owner: 'main' });
    await r.engine.bind(s, '127.0.0.1', 0);
    await r.engine.listen(s, 5);
    r.engine.close(s);
    const closed = r.of('closed')[0]!;
    expect(closed.unaccepted.count).toBe(0);
    expect(eventSays(closed)).toBeNull();
  });
});

describe.skipIf(!hasPython || process.platform === 'win32')('closing a Unix listening socket', () => {
  it('closes the connection nobody accepted (Node cannot reset a silent Unix one; test/unix-reset.test.ts has one that sent bytes), and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-listener-'));
    const path = join(dir, 's.sock');
    const shell = new CoreDriver();
    const code = `
import socket
c = socket.socket(socket.AF_UNIX)
c.connect(${JSON.stringify(path)})
print('up', flush=True)
c.settimeout(${HANG_MS / 1000})
print(repr(c.recv(10)), flush=True)
`;
    try {
      await shell.ok(`s = unix.listen ${path}`);
      const child = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
      try {
        await waitFor(() => out.includes('up'), 'the client connected');
        await waitForAsync(async () => (await shell.run('sockets')).out.includes('1 to accept'), 'the connection waiting for accept');
        const closed = await shell.run('s.close');
        expect(closed.err).toContain(
          "s was closed with the connection that was waiting for accept: Linux would reset it (ECONNRESET, ConnectionResetError), but Node had taken it from the kernel, so only a client that had sent bytes is reset; a client that sent nothing reads b''",
        );
        await done;
        expect(out.trim().split('\n')).toEqual(['up', "b''"]);
      } finally {
        if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      }
    } finally {
      await shell.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
