/**
 * A program under test's processes, also one that leaves its group, loses its parent and clears its
 * environment (so no tag finds it): watchDescendants knows it from having seen it as a descendant,
 * and strays names it. python3 is the program: it forks, the child calls setsid and forks again, the
 * grandchild runs on with an empty environment, and the child exits half a second later.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { newTag, strays, TAG_VARIABLE, watchDescendants } from '../src/transcript/process-tree.js';
import { hasPython } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

const DAEMON = `
import os, sys, time
if os.fork() == 0:
    os.setsid()
    pid = os.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)'], {})
    print(pid, flush=True)
    time.sleep(0.5)
    os._exit(0)
time.sleep(60)
`;

/** The process's environment as /proc has it, or null once it is gone. */
function environOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe.runIf(hasPython && process.platform === 'linux')('watchDescendants', () => {
  it('knows a daemon (setsid, a double fork, an empty environment) seen as a descendant, and strays names it', async () => {
    const tag = newTag();
    const program = spawn('python3', ['-c', DAEMON], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, [TAG_VARIABLE]: tag },
    });
    started.push(program.pid!);
    const watch = watchDescendants(program.pid!);
    try {
      let out = '';
      program.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(
        () => /^\d+\n/.test(out),
        () => `the daemon's pid (the program said ${JSON.stringify(out)})`,
      );
      const daemon = Number(out.trim());
      started.push(daemon);
      await waitFor(
        () => watch.known.has(daemon),
        () => `the daemon ${daemon} among the descendants (${[...watch.known].join(', ')})`,
      );
      // Its environment is the parent's (with the tag) from the fork until its execve: the pid is
      // printed in between, so the look below waits for the exec (an empty environment) first. Read
      // before it, strays found the daemon by its tag (seen once, in a full run on a loaded machine).
      await waitFor(
        () => environOf(daemon) === '',
        () => `the daemon ${daemon} to exec with an empty environment`,
      );
      // Out of the group, with no tag: only having seen it as a descendant tells it is the program's.
      expect(strays(tag, new Set([program.pid!]), program.pid!), 'no tag leads to it').not.toContain(daemon);
      expect(strays(tag, watch.known, program.pid!)).toContain(daemon);
    } finally {
      watch.stop();
    }
  });
});
