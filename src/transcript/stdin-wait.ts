import { readdirSync, readFileSync } from 'node:fs';
import { running } from './process-group.js';

/**
 * Whether a program under test waits for a line on its standard input: a thread of it asleep in
 * read(2) on descriptor 0 (Python's input() on a pipe), every other thread of its process group
 * asleep waiting for a child (the `sh -c` it was started by) or in that same read. Linux's
 * /proc/PID/task/TID/syscall says which call a thread sleeps in ("running" while it runs), and a
 * thread asleep in read(0) has nothing to read: data on the pipe wakes it. Null where that cannot be
 * read (no /proc, an architecture whose call numbers are not listed here, another user's process).
 */
export function readsInput(pgid: number): boolean | null {
  const calls = CALLS[process.arch];
  const pids = running(pgid);
  if (calls === undefined || pids === null) return null;
  let reading = false;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended as we looked
    }
    for (const tid of tasks) {
      let words: string[];
      try {
        words = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim().split(' ');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        return null; // EACCES: another user's
      }
      const call = Number(words[0]);
      if (call === calls.read && Number(words[1]) === 0) reading = true;
      else if (!calls.waitChild.includes(call)) return false;
    }
  }
  return reading;
}

/** System call numbers, by Node's process.arch: read(2), and wait4(2)/waitid(2) (a shell waiting for its child). */
const CALLS: Partial<Record<string, { read: number; waitChild: readonly number[] }>> = {
  x64: { read: 0, waitChild: [61, 247] },
  arm64: { read: 63, waitChild: [260, 95] },
};
