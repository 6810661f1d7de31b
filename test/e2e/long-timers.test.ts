import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { untilIdle } from '../helpers/idle.js';
import { ShellProcess } from '../helpers/shell-process.js';

/**
 * Issue 17 item 7: waits longer than Node's largest timer (2^31-1 ms, about 24.8 days), which Python
 * accepts. `sleep 2200000` returned after 1 ms, and `settimeout 3000000` then `recvfrom` flooded stderr
 * with TimeoutOverflowWarning (a 1 ms timer re-armed forever). Now each is a chain of timers: the shell
 * is seen idle in epoll_wait with nothing due for a minute (not by a sleep of ours), without a warning,
 * until Ctrl-C.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-timers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ctrl-C ends it with 130 and says where it waited (LINE:COL of the call), as Python's traceback does. */
async function waitsQuietly(name: string, source: string, ready: string, waited: string): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, source);
  const s = new ShellProcess(['run', file]);
  try {
    s.child.stdin!.end();
    await s.waitFor(ready);
    await untilIdle(s.pid, () => s.exited());
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(130);
    expect(s.out).toBe(`${ready}\n`);
    expect(s.err).toBe(`${file}:${waited}\n`);
  } finally {
    s.stop();
  }
}

describe('waits longer than a Node timer', () => {
  it.concurrent('sleep 2200000 sleeps', async () => {
    await waitsQuietly('sleep.sock', 'print before\nsleep 2200000\nprint after\n', 'before', '2:1: interrupted while sleep waited');
  });

  it.concurrent('settimeout 3000000, then recvfrom waits without a warning', async () => {
    await waitsQuietly(
      'timeout.sock',
      'u = udp.bind 127.0.0.1 0\nu.settimeout 3000000\nprint waiting\nm = u.recvfrom 10\n',
      'waiting',
      '4:7: interrupted while recvfrom waited',
    );
  });
});
