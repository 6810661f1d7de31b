import { asleep } from './process-group.js';
import type { Peer } from './with.js';

/** The longest a failed transcript's program is given to finish dying before its state is reported. */
const SETTLE_MS = 500;
const FIRST_LOOK_MS = 5;

/**
 * Waits, after a transcript failed, until its program is seen ended, if it is on its way out: the
 * failure often is the program crashing, and the report should say how it ended the same way every
 * run, not "still running" by a race. It returns as soon as the program has ended, or once every
 * process of it is asleep (blocked in a call: a server in recvfrom or accept, a program in input())
 * on two looks in a row, since a program waiting for more is not ending; else after SETTLE_MS (a
 * program busy on a core). It used to wait SETTLE_MS for every program still running, by the clock:
 * half a second added to each failed transcript of a server that was only waiting for its next client.
 */
export async function settle(peer: Peer): Promise<void> {
  if (peer.exit() !== null || peer.pgid === undefined) return;
  const pgid = peer.pgid;
  const until = Date.now() + SETTLE_MS;
  let ended = false;
  void peer.exited.then(() => (ended = true));
  let quiet = 0;
  for (let pause = FIRST_LOOK_MS; !ended && Date.now() < until; pause *= 2) {
    const still = asleep(pgid);
    if (still === null) break; // no /proc: nothing to tell by, and the exit event is all there is
    quiet = still ? quiet + 1 : 0;
    if (quiet >= 2) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([peer.exited, new Promise((r) => (timer = setTimeout(r, Math.min(pause, until - Date.now()))))]);
    clearTimeout(timer);
  }
  if (!ended && Date.now() < until) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([peer.exited, new Promise((r) => (timer = setTimeout(r, until - Date.now())))]);
    clearTimeout(timer);
  }
}
