import { describe, expect, it } from 'vitest';
import { loadLesson, parseLesson, stepsIn } from '../src/commands/lesson-file.js';
import { parseSeen } from '../src/commands/lesson-seen.js';

/** The lesson files' two-terminal fields: which steps each terminal walks, and what a file may say. */
describe('lesson files in one terminal or two', () => {
  it('each terminal walks its own program; one terminal walks all but the two-terminal steps', () => {
    const counts = (name: string) => (['one', 'server', 'client'] as const).map((mode) => stepsIn(loadLesson(name), mode).length);
    expect(counts('udp')).toEqual([19, 7, 15]);
    expect(counts('tcp')).toEqual([17, 9, 10]);
    const server = stepsIn(loadLesson('tcp'), 'server');
    expect(server.filter((s) => s.seen !== null).map((s) => `${s.seen!.kind} ${s.seen!.socket} ${s.seen!.count}`)).toEqual([
      'incoming serverSocket 1',
      'accepted serverSocket 2',
    ]);
    // The second client is checked from the engine in one terminal too.
    expect(stepsIn(loadLesson('tcp'), 'one').some((s) => s.seen?.kind === 'accepted')).toBe(true);
  });

  it('a wrong side, terminals or seen is an error naming the file and step', () => {
    const one = (fields: string) => () => parseLesson('x', `title: x\nstep: a = 1\n${fields}\n`, 'x.lesson');
    expect(one('side: both')).toThrow("x.lesson: step 1: side is server or client, not 'both'");
    expect(one('terminals: 3')).toThrow("x.lesson: step 1: terminals is 1 or 2, not '3'");
    expect(one('seen: arrived s')).toThrow(/x\.lesson: step 1: seen is KIND SOCKET \[N\], KIND one of incoming, received, accepted, eof/);
    expect(parseSeen('accepted serverSocket 0')).toMatch(/N is a count from 1/);
    expect(parseSeen('eof c')).toEqual({ kind: 'eof', socket: 'c', count: 1 });
  });
});
