import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, PEERS } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';

/**
 * Issue 17 item 3 as a user meets it: `sockshell run` accepts a connection that a python3 peer already
 * reset (SO_LINGER 0) after sending 3,000,000 bytes. recvfile reports ConnectionResetError with the
 * bytes it wrote to the file, and the script exits 1; it used to say "up to the peer's FIN" and exit 0.
 * The engine-level loop of 50 runs is test/tcp-reset.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-reset-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(hasPython)('a reset through the command line', () => {
  it('recvfile: ECONNRESET naming the file and the bytes written, exit 1', async () => {
    const out = join(dir, 'copy.bin');
    const script = join(dir, 'server.sock');
    writeFileSync(
      script,
      `s = tcp.listen 127.0.0.1 0\na = s.getsockname\nprint "port $a"\nline = input\nc, addr = s.accept\nn = c.recvfile ${out}\nprint "wrote $n"\n`,
    );
    const shell = new ShellProcess(['run', script]);
    try {
      await shell.waitFor('port (');
      const port = /, (\d+)\)/.exec(shell.out)![1]!;
      const peer = spawnSync('python3', [join(PEERS, 'ResetPeer.py'), 'reset', 'connect', port, '3000000'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(peer.stdout).toBe('done\n');
      shell.child.stdin!.end('go\n');
      expect(await shell.exit).toBe(1);
      const m =
        /^.*server\.sock:6:\d+: ECONNRESET: .*; recvfile had written (\d+) bytes to .*copy\.bin when it stopped \(ConnectionResetError\)\n$/.exec(
          shell.err,
        );
      expect(m, shell.err).not.toBeNull();
      expect(statSync(out).size).toBe(Number(m![1]));
      expect(shell.out).not.toContain('wrote');
    } finally {
      shell.stop();
    }
  });
});
