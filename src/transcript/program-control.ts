import { blockMatches } from './pattern.js';
import type { Transcript } from './format.js';
import type { ProgramControl } from './program-replay.js';
import type { Peer } from './with.js';

/**
 * `program> ` lines act on the first --with program, `program N> ` lines on the Nth. With `program>
 * start` in the transcript, the programs are started there (`spawn`), without waiting for them to be
 * ready: a client is ready when it has something to say, and the transcript's next line waits for that.
 */
export function programControl(peers: Peer[], count: number, spawn: (() => Peer[]) | null, ends: ExpectedEnds): ProgramControl {
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
