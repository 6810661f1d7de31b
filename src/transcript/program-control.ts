import { blockMatches } from './pattern.js';
import type { Transcript } from './format.js';
import type { ProgramControl } from './program-replay.js';
import { INPUT_WAIT } from './program-end-words.js';
import { readsInput } from './stdin-wait.js';
import type { Peer } from './with.js';

/**
 * `program> ` lines act on the first --with program, `program N> ` lines on the Nth. With `program>
 * start` in the transcript, the programs are started there (`spawn`), without waiting for them to be
 * ready: a client is ready when it has something to say, and the transcript's next line waits for that.
 */
export function programControl(peers: Peer[], count: number, spawn: (() => Peer[]) | null, ends: ExpectedEnds): ProgramControl {
  const input = inputWatch();
  return {
    start: async () => {
      if (spawn === null) return 'the program was started before the transcript; program> start needs no earlier program';
      if (peers.length > 0) return 'the program is already running';
      peers.push(...spawn());
      return null;
    },
    count,
    which: (n) => peers[n - 1],
    unexpectedEnd: () => {
      for (const [i, peer] of peers.entries()) {
        const exit = peer.exit();
        if (exit === null || ends.get(i + 1)?.some((lines) => blockMatches(lines, [exit], new Map()))) continue;
        return `${count === 1 ? 'the program' : `program ${i + 1}`} ended (${exit})`;
      }
      return null;
    },
    waitsForInput: () => {
      const i = input(peers);
      return i === null ? null : `${count === 1 ? 'the program' : `program ${i + 1}`} ${INPUT_WAIT}`;
    },
  };
}

/** Looks at most this often: a look reads every process's /proc/PID/stat (process-group.ts running). */
export const INPUT_LOOK_MS = 200;
/** Told once seen waiting for this long: a program given a line may not have been scheduled to read it yet. */
const INPUT_WAIT_MS = 500;

/** The index of the first program, where every running one was seen waiting for its standard input at every look for INPUT_WAIT_MS, or null. */
function inputWatch(): (peers: readonly Peer[]) => number | null {
  let lookedAt = 0;
  let since: number | null = null;
  let which: number | null = null;
  return (peers) => {
    const now = Date.now();
    if (now - lookedAt >= INPUT_LOOK_MS) {
      lookedAt = now;
      // Every program still running waits so: one that runs may yet send what the transcript waits for.
      const live = peers.flatMap((p, i) => (p.pgid !== undefined && p.exit() === null ? [{ pgid: p.pgid, i }] : []));
      const i = live.length > 0 && live.every(({ pgid }) => readsInput(pgid) === true) ? live[0]!.i : -1;
      if (i < 0 || i !== which) since = i < 0 ? null : now;
      which = i < 0 ? null : i;
    }
    return since !== null && now - since >= INPUT_WAIT_MS ? which : null;
  };
}

/** The ends the transcript's `program N> wait` lines show, by program: the lines each expects. */
export type ExpectedEnds = ReadonlyMap<number, readonly (readonly string[])[]>;

export function expectedEnds(transcript: Transcript): ExpectedEnds {
  const ends = new Map<number, string[][]>();
  for (const block of transcript.blocks) {
    if (!block.program || block.source !== 'wait') continue;
    const lines = block.expected.map((e) => e.text);
    ends.set(block.programNumber, [...(ends.get(block.programNumber) ?? []), lines]);
  }
  return ends;
}
