/**
 * A `program> stdout` (or `wait`) line waits for the program under test by waking when it writes or
 * exits, not by looking every 5 ms (instructor trial 4, item 5): a program that took a second to
 * answer had its output read and split 200 times for nothing. A real python3 program that is slow to
 * print, then slow to exit; the check counts how often it was looked at.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTranscript } from '../src/transcript/format.js';
import { runProgramBlock, type ProgramControl, type ProgramIo } from '../src/transcript/program-replay.js';
import { spawnPeer, type Peer } from '../src/transcript/with.js';
import { hasPython } from './helpers/proc.js';

let peer: Peer | null = null;
afterEach(async () => {
  await peer?.stop();
  peer = null;
});

/** The program as a check sees it, with every look at its output or its exit counted. */
function counted(io: ProgramIo): { io: ProgramIo; looks: () => number } {
  let looks = 0;
  return {
    io: {
      write: (t) => io.write(t),
      end: () => io.end(),
      lines: (s) => (looks++, io.lines(s)),
      take: (s, n) => io.take(s, n),
      exit: () => (looks++, io.exit()),
      changed: () => io.changed(),
    },
    looks: () => looks,
  };
}

function control(io: ProgramIo): ProgramControl {
  return { start: () => Promise.resolve(null), count: 1, which: () => io, unexpectedEnd: () => null, waitsForInput: () => null };
}

async function check(text: string, io: ProgramIo): Promise<string[]> {
  const block = parseTranscript(text).transcript.blocks[0]!;
  const shown: string[] = [];
  await runProgramBlock(
    block,
    block.expected.map((e) => e.text),
    { timeoutMs: 30_000, program: control(io) },
    new Map(),
    shown,
  );
  return shown;
}

describe.runIf(hasPython)('program> lines wake on the program, not on a clock', () => {
  it('stdout: a program that prints after a second is looked at when it prints', async () => {
    // It sleeps a second: 200 looks at 5 ms each; waking on its output, one before and one after.
    peer = spawnPeer(`python3 -c "import time; time.sleep(1); print('HELLO GRADER', flush=True); time.sleep(60)"`).peer;
    const { io, looks } = counted(peer);
    expect(await check('  program> stdout\n  HELLO GRADER\n', io)).toEqual(['HELLO GRADER']);
    expect(looks()).toBeLessThanOrEqual(4);
  });

  it('wait: a program that exits after a second is looked at when it exits', async () => {
    peer = spawnPeer(`python3 -c "import time, sys; time.sleep(1); sys.exit(3)"`).peer;
    const { io, looks } = counted(peer);
    expect(await check('  program> wait\n  exit status 3\n', io)).toEqual(['exit status 3']);
    expect(looks()).toBeLessThanOrEqual(4);
  });

  it('stdout: a program that never prints is given up on at --timeout, as before', async () => {
    peer = spawnPeer(`python3 -c "import time; time.sleep(60)"`).peer;
    const block = parseTranscript('  program> stdout\n  HELLO GRADER\n').transcript.blocks[0]!;
    const shown: string[] = [];
    await runProgramBlock(block, ['HELLO GRADER'], { timeoutMs: 300, program: control(peer) }, new Map(), shown);
    expect(shown).toEqual(['(no more stdout within 0.3 s: the program is still running)']);
  });
});
