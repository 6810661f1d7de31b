/**
 * endGroup waits for a program's group to end without scanning /proc on a fixed short period: it
 * wakes when the group's leader exits, and otherwise looks less often the longer it waits. Closing
 * note of 2026-12-05: it read every process's stat every 10 ms while a program took its time to end.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { asleep, endGroup, running } from '../src/transcript/process-group.js';
import { hasPython } from './helpers/proc.js';

/** A server slow to shut down: on SIGTERM it takes 0.6 s, then exits; its child (same group) goes with it. */
const SLOW_TO_END = `
import os, signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
def bye(*_):
    time.sleep(0.6)
    child.kill()
    child.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
print('ready', flush=True)
time.sleep(60)
`;

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe.runIf(hasPython && process.platform === 'linux')('endGroup', () => {
  it('ends the group and looks at /proc a few times while it takes 0.6 s, not every 10 ms', async () => {
    const program = spawn('python3', ['-c', SLOW_TO_END], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(program.pid!);
    await new Promise((r) => program.stdout.once('data', r));
    const leaderExited = new Promise((r) => program.once('exit', r));
    let looks = 0;
    expect(await endGroup(program.pid!, { leaderExited, onLook: () => looks++ })).toBeNull();
    expect(running(program.pid!)).toEqual([]);
    // 0.6 s at 10 ms a look was 60 looks; doubling from 5 ms to 100 ms, and once at the exit, is about 11.
    expect(looks).toBeGreaterThan(0);
    expect(looks).toBeLessThanOrEqual(15);
  });
});

/**
 * What a failed transcript's report waits on (program-settle.ts): a program whose every process is
 * asleep, blocked in a call, is not on its way out, so the report need not wait out its bound; one
 * busy on a core, or one whose processes have all ended, is not asleep.
 */
describe.runIf(hasPython && process.platform === 'linux')('asleep', () => {
  it('is true for a program blocked in input(), a shell waiting for it included, and false for one busy on a core', async () => {
    const blocked = spawn('sh', ['-c', 'python3 -c "print(1, flush=True); input()"; true'], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    started.push(blocked.pid!);
    await new Promise((r) => blocked.stdout.once('data', r));
    // Printed, then input(): asleep from its next moment on.
    for (let look = 0; look < 10_000 && asleep(blocked.pid!) !== true; look++) await new Promise((r) => setTimeout(r, 1));
    expect(asleep(blocked.pid!)).toBe(true);
    expect(running(blocked.pid!)).toHaveLength(2);
    const busy = spawn('python3', ['-c', 'print(1, flush=True)\nwhile True: pass'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    started.push(busy.pid!);
    await new Promise((r) => busy.stdout.once('data', r));
    expect(asleep(busy.pid!)).toBe(false);
    blocked.stdin.end();
    await new Promise((r) => blocked.once('exit', r));
    expect(asleep(blocked.pid!)).toBe(false);
  });
});
