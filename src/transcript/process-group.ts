import { readdirSync, readFileSync } from 'node:fs';

/**
 * Ending a process group and knowing when it has ended. `sh -c "python3 server.py"` is two
 * processes; the shell exiting says nothing about the server it started, which may still hold its
 * port. A group has ended when none of its processes runs: a zombie has already closed its files
 * (and so its sockets), and an orphan's zombie may wait for a reaper that never comes.
 */

/** How long the group has to end after SIGTERM before SIGKILL, and after SIGKILL before we give up. */
const TERM_GRACE_MS = 1000;
const KILL_GRACE_MS = 2000;
/**
 * Looks at /proc (every process's stat) first this long after a signal, then twice as long each time,
 * up to LAST_LOOK_MS, and at once when the group's leader exits: at a fixed 10 ms a server slow to
 * shut down was looked for 100 times a second.
 */
const FIRST_LOOK_MS = 5;
const LAST_LOOK_MS = 100;

export interface EndOptions {
  /** Resolves when the group's leader (sockshell's own child) has exited: the likeliest moment the group has ended. */
  readonly leaderExited?: Promise<unknown>;
  /** Told each time the group is looked for in /proc (for tests: how often it looked). */
  readonly onLook?: () => void;
}

/**
 * SIGTERM to every process of group `pgid`, SIGKILL to what is left after a grace period, and a
 * bounded wait until none runs. Resolves with null once the group has ended, or with the pids still
 * running when the bound passed (a process stuck in the kernel), so the caller can say so.
 */
export async function endGroup(pgid: number, options: EndOptions = {}): Promise<number[] | null> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitEnded(pgid, TERM_GRACE_MS, options)) return null;
  signalGroup(pgid, 'SIGKILL');
  if (await waitEnded(pgid, KILL_GRACE_MS, options)) return null;
  return running(pgid) ?? [];
}

/** SIGKILL to the whole group, at once and without waiting: for process exit, where nothing can wait. */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: no process is left in the group
  }
}

async function waitEnded(pgid: number, ms: number, options: EndOptions): Promise<boolean> {
  const deadline = Date.now() + ms;
  let pause = FIRST_LOOK_MS;
  // Woken once by the leader's exit; after it, by the clock alone.
  let leader = options.leaderExited?.then(() => 'exited' as const);
  for (;;) {
    options.onLook?.();
    if (ended(pgid)) return true;
    const left = deadline - Date.now();
    if (left < 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const woke = await Promise.race([
      new Promise<'clock'>((r) => (timer = setTimeout(() => r('clock'), Math.min(pause, left + 1)))),
      ...(leader ? [leader] : []),
    ]);
    clearTimeout(timer);
    if (woke === 'exited') leader = undefined;
    pause = Math.min(2 * pause, LAST_LOOK_MS);
  }
}

function ended(pgid: number): boolean {
  const pids = running(pgid);
  if (pids !== null) return pids.length === 0;
  // No /proc: the group is gone only when signal 0 finds nobody (zombies still count, so the bound applies).
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The pids of group `pgid` that are not zombies, from Linux's /proc; null where there is no /proc. */
export function running(pgid: number): number[] | null {
  return members(pgid)?.map(({ pid }) => pid) ?? null;
}

/**
 * Whether every process of group `pgid` still running is asleep (state S: blocked in a call, as a
 * server in recvfrom or accept is, or a program in input()); false when one runs or none is left,
 * null where there is no /proc.
 */
export function asleep(pgid: number): boolean | null {
  const found = members(pgid);
  return found === null ? null : found.length > 0 && found.every(({ state }) => state === 'S');
}

function members(pgid: number): { pid: number; state: string }[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const pids: { pid: number; state: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== undefined && state !== 'Z' && state !== 'X') pids.push({ pid: Number(entry), state });
  }
  return pids;
}
