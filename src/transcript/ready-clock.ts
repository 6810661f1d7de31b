import { readFileSync } from 'node:fs';
import { children } from './process-tree.js';

/**
 * What startPeer's wait for a program to get ready reads of time. A starting program's --ready-timeout
 * counts its own time: on a busy machine python3 spent most of its start waiting for a CPU other
 * programs held (a pyenv shim: 4.1–6.2 s on the clock at load 13–19 on 2 cores, of which the run
 * queues held all but 0.1–0.8 s; instructor trial 7), and a correct server was told it never bound
 * its port. Injected so a test can step the clock across the deadline (test/ready-clock.test.ts).
 */
export interface ReadyClock {
  /** Milliseconds, as Date.now() gives them. */
  now(): number;
  /**
   * A watch on the program started as `root` at `startedAt` and its descendants: each call, given now(), says how many
   * milliseconds they have so far waited for a CPU (runnable, on a run queue, not running). 0 where
   * that cannot be read (no /proc, or no schedstat in this kernel).
   */
  cpuWait(root: number, startedAt: number): (now: number) => number;
}

export const systemClock: ReadyClock = { now: () => Date.now(), cpuWait: cpuWaitWatch };

/**
 * The longest the wait may last on the clock, as a multiple of --ready-timeout, however long the program
 * waited for a CPU: a program that spins before its bind on a machine this busy is not waited for longer.
 */
export const MOST_STRETCH = 4;

/**
 * Linux's /proc/PID/schedstat (its second field: nanoseconds runnable and waiting on a run queue) for
 * each process of the program, summed over the looks. A pyenv shim runs ~40 short-lived processes
 * before python3, and the run queues held those, not the shim's own pid (0.03–0.13 s of 4.2–6.5 s):
 * so each look walks the descendants (children files) and keeps every pid's last reading. A process that
 * ended between two looks takes its wait since the earlier one with it. The kernel adds a wait to the
 * count only when the process gets a CPU, in lumps as long as the wait (~100 ms for one of 31 on a CPU), so
 * a lump is not cut to the time since the last look; the sum is cut to the time since the start instead,
 * as two processes can wait side by side (both ends of a pipe), and MOST_STRETCH bounds what that overcounts.
 */
function cpuWaitWatch(root: number, startedAt: number): (now: number) => number {
  const last = new Map<number, number>();
  let total = 0;
  return (now) => {
    let added = 0;
    const queue = [root];
    const seen = new Set<number>();
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      const waited = queued(pid);
      if (waited !== null) {
        added += Math.max(0, waited - (last.get(pid) ?? 0));
        last.set(pid, waited);
      }
      queue.push(...(children(pid) ?? []));
    }
    total = Math.min(total + added, Math.max(0, now - startedAt));
    return total;
  };
}

/** Milliseconds process `pid` has waited on a run queue since it started; null when it is gone or unreadable. */
function queued(pid: number): number | null {
  try {
    const waited = Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[1]);
    return Number.isFinite(waited) ? waited / 1e6 : null;
  } catch {
    return null;
  }
}
