import { readFileSync } from 'node:fs';

/**
 * Waiting on a condition, not the clock, for "this process waits and will not end by itself": its main
 * thread sits in epoll_wait with no timer due for a minute or more (or none at all). A Node process
 * whose loop has nothing left never gets there: it exits. Linux only (/proc/PID/syscall); x86-64 and
 * arm64 syscall numbers.
 */

/** epoll_wait and epoll_pwait, whose 4th argument is the timeout in ms (-1: forever). */
const EPOLL_WAITS: Readonly<Record<string, readonly number[]>> = { x64: [232, 281], arm64: [22] };

/** What /proc/PID/syscall says now: 'idle' (as above), 'busy', or 'gone' (the process has exited). */
export function idleState(pid: number): 'idle' | 'busy' | 'gone' {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/syscall`, 'utf8').trim();
  } catch {
    return 'gone';
  }
  const [nr, , , , timeout] = text.split(' ');
  if (nr === undefined || timeout === undefined || !(EPOLL_WAITS[process.arch] ?? []).includes(Number(nr))) return 'busy';
  const ms = Number(BigInt.asIntN(32, BigInt(timeout)));
  return ms === -1 || ms >= 60_000 ? 'idle' : 'busy';
}

/**
 * Resolves once pid is idle in that sense; rejects if it exits first (exited() tells), or after
 * `polls` looks 10 ms apart. The bound only ends a hang: a busy machine only makes it take longer
 * (V8's delayed tasks keep a short timer for seconds after start-up, longer on a loaded machine).
 */
export async function untilIdle(pid: number, exited: () => boolean, polls = 12_000): Promise<void> {
  for (let i = 0; i < polls; i++) {
    const state = exited() ? 'gone' : idleState(pid);
    if (state === 'idle') return;
    if (state === 'gone') throw new Error(`process ${pid} ended by itself while a call was waiting`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} never sat idle waiting`);
}
