import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, startServer, type Server } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 17 item 16: recvfile cut short (Ctrl-C, a full disk) named neither the file nor the bytes it
 * had written. Every way it stops now says both, in the error or the interruption line. (A reset is
 * covered by test/tcp-reset.test.ts.)
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-recvfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 1_000_000;
/** Accepts one connection, sends SIZE bytes and holds the connection open until it is stopped. */
const PEER = `
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
print(f'ready {s.getsockname()[1]} .', flush=True)
c, _ = s.accept(); c.sendall(b'x' * ${SIZE})
time.sleep(3600)
`;

async function withPeer(check: (port: number) => Promise<void>): Promise<void> {
  const peer: Server = await startServer('python3', ['-c', PEER], ' .');
  try {
    await check(Number(/ready (\d+)/.exec(peer.output())![1]));
  } finally {
    await peer.stop();
  }
}

describe.runIf(hasPython)('recvfile cut short says what it wrote where', () => {
  it('Ctrl-C: the interruption line names the file and the bytes written', async () => {
    await withPeer(async (port) => {
      const file = join(dir, 'copy.bin');
      const shell = new ShellProcess([]);
      try {
        shell.child.stdin!.write(`c = tcp.connect 127.0.0.1 ${port}\nn = c.recvfile ${file}\n`);
        await waitFor(() => {
          try {
            return statSync(file).size === SIZE;
          } catch {
            return false; // not created yet
          }
        }, `${SIZE} bytes in ${file}`);
        shell.child.kill('SIGINT');
        expect(await shell.exit).toBe(130);
        expect(shell.err).toBe(`<stdin>: interrupted: recvfile had written ${SIZE} bytes to ${file} when it stopped\n`);
      } finally {
        shell.stop();
      }
    });
  });

  it('a full device (/dev/full): ENOSPC, naming the file and the bytes written', async () => {
    await withPeer(async (port) => {
      const shell = new ShellProcess([]);
      try {
        shell.child.stdin!.end(`c = tcp.connect 127.0.0.1 ${port}\nn = c.recvfile /dev/full\n`);
        expect(await shell.exit).toBe(1);
        // (After it, the session ends with the rest unread: a warning says the close sent a reset.)
        expect(shell.err.split('\n')[0]).toBe(
          '<stdin>:2:7: ENOSPC: no space left to write /dev/full: its disk is full (or it is a device that takes nothing, like /dev/full); recvfile had written 0 bytes to /dev/full when it stopped (OSError)',
        );
      } finally {
        shell.stop();
      }
    });
  });
});
