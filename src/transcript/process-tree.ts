import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process a program under test started, also one that left its process group: a daemon
 * (`setsid` and a double fork) is in a session and group of its own, and its parent has exited, so
 * neither the group nor the parent leads to it. Node cannot make sockshell a child subreaper
 * (prctl), so two things from Linux's /proc find it: the tag every process started for a program
 * carries in its environment (inherited across fork, setsid and exec unless the program clears
 * its environment), and the descendants seen while it ran (a daemon that cleared its environment is
 * still caught if it was seen before its parent exited).
 */

/** The environment variable that marks a program's processes; its value is one program's tag. */
export const TAG_VARIABLE = 'SOCKSHELL_TEST_PROGRAM';
const SCAN_MS = 50;

let tags = 0;
export function newTag(): string {
  return `${process.pid}-${++tags}-${Math.random().toString(36).slice(2, 10)}`;
}

/** One process as /proc shows it; null when it is gone or not Linux. */
interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly zombie: boolean;
  /** When it started, in clock ticks since boot (stat's starttime). */
  readonly start: number;
}

function info(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgrp] = fields;
  return { pid, ppid: Number(ppid), pgrp: Number(pgrp), zombie: state === 'Z' || state === 'X', start: Number(fields[19]) };
}

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number);
  } catch {
    return [];
  }
}

function carriesTag(pid: number, tag: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${TAG_VARIABLE}=${tag}`);
  } catch {
    return false; // gone, or another user's
  }
}

/** The command line of a process, for a report; '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/**
 * Watches the descendants of `root` while the program runs, so one that leaves its group and loses
 * its parent is still known. `stop` ends the watch.
 *
 * Each look reads the children of the descendants still running (Linux's /proc/PID/task/TID/children),
 * a few files, where reading every process's /proc/PID/stat to find their parents took a hundred or
 * more (one per process on the machine) every 50 ms while the program ran. Where Linux has no
 * children files (CONFIG_PROC_CHILDREN off), every process's parent is read as before.
 */
export function watchDescendants(root: number): { readonly known: ReadonlySet<number>; stop(): void } {
  const known = new Set<number>([root]);
  const running = new Set<number>([root]);
  const scan = () => {
    if (!HAS_CHILDREN_FILES) {
      for (const pid of pids()) {
        if (known.has(pid)) continue;
        const p = info(pid);
        if (p && known.has(p.ppid)) known.add(pid);
      }
      return;
    }
    // A Set visits what is added while it is walked: a grandchild is found in the same look.
    for (const pid of running) {
      const found = children(pid);
      if (found === null) running.delete(pid);
      for (const child of found ?? []) {
        known.add(child);
        running.add(child);
      }
    }
  };
  scan();
  const timer = setInterval(scan, SCAN_MS);
  timer.unref();
  return { known, stop: () => clearInterval(timer) };
}

/** Whether this Linux lists each task's children in /proc (CONFIG_PROC_CHILDREN). */
const HAS_CHILDREN_FILES = (() => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false;
  }
})();

/** The children of process `pid`, every thread's; null once it has ended (or no children files: not Linux, or CONFIG_PROC_CHILDREN off). */
export function children(pid: number): number[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const out: number[] = [];
  for (const task of tasks) {
    try {
      for (const word of readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ')) if (word !== '') out.push(Number(word));
    } catch {
      // the thread ended while we looked
    }
  }
  return out;
}

/** When process `pid` started (ticks since boot), for strays' `since`; null when it is gone or not Linux. */
export function startTime(pid: number): number | null {
  return info(pid)?.start ?? null;
}

/**
 * Live processes of the program outside group `pgid`: tagged, or seen as its descendants. With
 * `since` (the program's startTime), only a process started since can carry its tag, so only those
 * have their environment read: reading every process's took 17 ms a stop, twice what the rest took.
 */
export function strays(tag: string, known: ReadonlySet<number>, pgid: number, since: number | null = null): number[] {
  const out: number[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const p = info(pid);
    if (p === null || p.zombie || p.pgrp === pgid) continue;
    if (known.has(pid) || ((since === null || !(p.start < since)) && carriesTag(pid, tag))) out.push(pid);
  }
  return out;
}

/** SIGKILL to each, and a bounded wait until none runs; the pids still running after it. */
export async function killAll(list: readonly number[], boundMs = 2000): Promise<number[]> {
  for (const pid of list) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + boundMs;
  for (;;) {
    const left = list.filter((pid) => {
      const p = info(pid);
      return p !== null && !p.zombie;
    });
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 10));
  }
}
