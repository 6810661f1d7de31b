import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ShellProcess } from '../helpers/shell-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A TCP listener's queue is watched by an epoll of the addon's (kernel-listener.ts), which takes a
 * descriptor. A listen made when the process had none left (listen itself needs none) had no watcher,
 * and nothing ever woke an accept on the event loop (the interactive and piped shell): a client came
 * once descriptors were free again, and accept waited until Ctrl-C. Here the shell's soft limit is the
 * lowest free descriptor while it listens, and is given back before accept.
 */
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

/** The lowest descriptor number pid has free: the soft limit at which its next descriptor fails with EMFILE. */
function lowestFree(pid: number): number {
  const open = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (open.has(fd)) fd++;
  return fd;
}

function softLimit(pid: number): number {
  const out = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output=SOFT']).toString();
  return Number(out.trim());
}

describe.runIf(hasPrlimit)('a listen made with no descriptor left for its watcher', () => {
  it('a client that comes later still wakes a waiting accept', async () => {
    const shell = new ShellProcess([]);
    let client: net.Socket | null = null;
    try {
      shell.child.stdin!.write('trace on\ns = tcp.socket\nbind 127.0.0.1 0\nprint bound\n');
      await waitFor(
        () => shell.out === 'bound\n',
        () => `bound; out=${shell.out} err=${shell.err}`,
      );
      const soft = softLimit(shell.pid);
      execFileSync('prlimit', ['--pid', String(shell.pid), `--nofile=${lowestFree(shell.pid)}:`]);
      shell.child.stdin!.write('listen 1\nx = getsockname\nprint $x\n');
      await waitFor(
        () => /\('127\.0\.0\.1', \d+\)\n/.test(shell.out),
        () => `the listener's address; out=${shell.out} err=${shell.err}`,
      );
      execFileSync('prlimit', ['--pid', String(shell.pid), `--nofile=${soft}:`]);
      const port = Number(/\('127\.0\.0\.1', (\d+)\)\n/.exec(shell.out)![1]);
      // trace's line (on stderr) comes as accept starts: the client comes while it waits.
      shell.child.stdin!.write('c, a = accept\nprint accepted $a\n');
      await shell.waitFor('>>> c, a = s.accept()');
      client = net.connect(port, '127.0.0.1');
      await shell.waitFor('\naccepted (');
      expect(shell.err).not.toMatch(/^<stdin>/m);
      shell.child.stdin!.end();
      expect(await shell.exit).toBe(0);
    } finally {
      client?.destroy();
      shell.stop();
    }
  });
});
