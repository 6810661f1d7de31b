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
const POLL_MS = 10;

/**
 * SIGTERM to every process of group `pgid`, SIGKILL to what is left after a grace period, and a
 * bounded wait until none runs. Resolves with null once the group has ended, or with the pids still
 * running when the bound passed (a process stuck in the kernel), so the caller can say so.
 */
export async function endGroup(pgid: number): Promise<number[] | null> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitEnded(pgid, TERM_GRACE_MS)) return null;
  signalGroup(pgid, 'SIGKILL');
  if (await waitEnded(pgid, KILL_GRACE_MS)) return null;
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

async function waitEnded(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (ended(pgid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
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
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const pids: number[] = [];
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
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') pids.push(Number(entry));
  }
  return pids;
}
