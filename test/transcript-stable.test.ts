import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../src/transcript/format.js';
import { transcriptProblems } from '../src/transcript/problems.js';
import { replay } from '../src/transcript/replay.js';
import { HANG_MS } from './helpers/wait.js';

/**
 * Transcripts that survive a rewording of the shell's commentary: `#` lines are compared only when
 * the header says `commentary: checked`. Typed commands, results, notices and job output are
 * compared as before.
 */
const run = async (text: string) => {
  const { transcript, header, problems } = transcriptProblems(text);
  expect(problems).toEqual([]);
  return replay(transcript, { timeoutMs: HANG_MS, commentary: header.commentary });
};

const reworded = [
  '  sockshell> s = udp.bind 127.0.0.1 0',
  '  # a later release says this differently',
  '  sockshell s> a = s.getsockname',
  '  sockshell s> c = udp.socket',
  '  sockshell c> c.sendto hi $a',
  '  # and this too',
  '  2',
  '  [s] a datagram of 2 bytes from [...] is waiting; recvfrom will return it',
  '  sockshell c> run scripts/UDPServer.sock serverPort=0 &',
  '  [1] run scripts/UDPServer.sock serverPort=0',
  '  [1] # a job commentary line, worded otherwise',
  '  [1] The server is ready to receive',
  '  sockshell c> s.recvfrom 10',
  "  (b'hi', ('127.0.0.1', [PORT1]))",
  '',
].join('\n');

describe('the shell’s # commentary is not compared unless a transcript asks', () => {
  it('commentary worded otherwise, or left out, still passes; everything else is still compared', async () => {
    expect((await run(reworded)).passed).toBe(true);
    const without = reworded
      .split('\n')
      .filter((l) => !/^ {2}(\[1\] )?# /.test(l))
      .join('\n');
    expect((await run(without)).passed).toBe(true);
    const wrongResult = reworded.replace("  (b'hi',", "  (b'HI',");
    const r = await run(wrongResult);
    expect(r.passed).toBe(false);
    expect(r.failure?.expected).toContain("(b'HI', ('127.0.0.1', [PORT1]))");
    const wrongJob = reworded.replace('[1] The server is ready to receive', '[1] The server is ready');
    expect((await run(wrongJob)).passed).toBe(false);
  });

  it('with `commentary: checked` in the header, a reworded # line fails', async () => {
    const r = await run(`---\ncommentary: checked\n---\n${reworded}`);
    expect(r.passed).toBe(false);
    expect(r.failure?.block.line).toBe(4); // the first block: its # line is the shell's own, worded otherwise
    expect(r.failure?.expected).toContain('# a later release says this differently');
  });

  it('what a diff shows as this run is what this run said: its own # lines where they say something else', async () => {
    const text = '  sockshell> c = udp.socket\n  # worded otherwise\n  sockshell c> print one\n  two\n';
    const r = await run(text);
    expect(r.passed).toBe(false);
    expect(r.actual.map((i) => i.text)).toEqual(['c = udp.socket', '# socket(AF_INET, SOCK_DGRAM) → c', 'print one', 'one']);
    // A # line that differs only in a port the OS picked stays as the transcript has it: no noise.
    const ported =
      "  sockshell> u = udp.socket\n  sockshell u> u.sendto hi 127.0.0.1 9\n  # the OS bound u to ('0.0.0.0', 12345): it picked port 12345, as the socket was never bound\n  2\n  sockshell u> print one\n  two\n";
    const p = await run(ported);
    expect(p.passed).toBe(false);
    expect(p.actual.map((i) => i.text)).toContain(
      "# the OS bound u to ('0.0.0.0', 12345): it picked port 12345, as the socket was never bound",
    );
    // Left out by the transcript's author: still left out.
    const bare = await run('  sockshell> c = udp.socket\n  sockshell c> print one\n  two\n');
    expect(bare.actual.map((i) => i.text)).toEqual(['c = udp.socket', 'print one', 'one']);
  });

  it("a block that passes with stale commentary is updated to this run’s (user trial: # reply = b'HELLO' above b'hello')", async () => {
    const text = ["  sockshell> m = lower 'HELLO'", "  # m = b'HELLO'", '  sockshell> $m', "  'hello'", ''].join('\n');
    const r = await run(text);
    expect(r.passed).toBe(true);
    expect(r.updated.map((i) => i.text)).not.toContain("# m = b'HELLO'");
    expect(r.updated.map((i) => i.text)).toEqual(r.actual.map((i) => i.text));
  });

  it('every project transcript passes with its commentary checked too', async () => {
    const dir = new URL('./transcripts/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sockt'))) {
      const { transcript } = parseTranscript(readFileSync(new URL(file, dir), 'utf8'));
      const r = await replay(transcript, { timeoutMs: HANG_MS, commentary: 'checked' });
      expect({ file, passed: r.passed, at: r.failure?.block.line }).toEqual({ file, passed: true, at: undefined });
    }
  });
});

describe('the header and program lines', () => {
  it('reads points, port, commentary, title and visibility, and says what it cannot use', () => {
    const ok = transcriptProblems(
      '---\ntitle: upper\npoints: 2.5\nport: 12000\ncommentary: checked\nvisibility: hidden\n---\n  sockshell> print x\n  x\n',
    );
    expect(ok.problems).toEqual([]);
    expect(ok.header).toEqual({ title: 'upper', points: 2.5, port: 12000, commentary: 'checked', visibility: 'hidden' });
    const bad = transcriptProblems('---\npoints: lots\nport: 0x2ee0\ncolour: red\n---\n  sockshell> print x\n');
    expect(bad.problems.map((p) => [p.line, p.message])).toEqual([
      [2, "points: needs a number of points (0 or more), got 'lots'"],
      [3, "port: needs a port number from 1 to 65535, got '0x2ee0'"],
      [4, "unknown header key 'colour': title, points, port, commentary or visibility"],
    ]);
    expect(transcriptProblems('---\npoints: 1\n  sockshell> print x\n').problems[0]?.message).toBe(
      "a header opened with '---' must end with a '---' line",
    );
    // Prose that merely looks like a setting is prose when there is no header.
    expect(transcriptProblems('points: none\n  sockshell> print x\n  x\n').problems).toEqual([]);
  });

  it('program> lines parse into actions; an unknown one is a transcript error at its line', () => {
    const { transcript, errors } = parseTranscript(
      '  program> start\n  program> stdin hi there\n  program> stdout\n  HI\n  program> wait\n  exit status 0\n',
    );
    expect(errors).toEqual([]);
    expect(transcript.blocks.map((b) => [b.program, b.source])).toEqual([
      [true, 'start'],
      [true, 'stdin hi there'],
      [true, 'stdout'],
      [true, 'wait'],
    ]);
    expect(parseTranscript('  program> launch\n').errors).toEqual([
      { line: 1, message: "unknown program action 'launch': one of start, stdin, eof, stdout, stderr, wait" },
    ]);
    expect(parseTranscript('  program> wait now\n').errors[0]?.message).toBe("program> wait takes nothing after it, got 'now'");
  });

  it('program> lines without a program under test fail at that line, saying what is missing', async () => {
    const { transcript } = parseTranscript('  sockshell> print a\n  a\n  program> stdout\n  hello\n');
    const r = await replay(transcript, { timeoutMs: 1000 });
    expect(r.passed).toBe(false);
    expect(r.failure?.got).toEqual(['(transcript: program> lines need a program under test: sockshell test --with "COMMAND")']);
  });
});

describe('feedback a student can read', () => {
  it('long values are shown as a window around their first difference, with where it is', async () => {
    const { firstDifference } = await import('../src/transcript/feedback.js');
    const a = `b'${'x'.repeat(1000)}A${'y'.repeat(1000)}'`;
    const b = `b'${'x'.repeat(1000)}a${'y'.repeat(1000)}'`;
    expect(firstDifference([a], [b])).toEqual([
      `expected: …${'x'.repeat(30)}A${'y'.repeat(49)}…`,
      `got:      …${'x'.repeat(30)}a${'y'.repeat(49)}…`,
      '(the lines are 2004 and 2004 characters long; they first differ at character 1003)',
    ]);
    expect(firstDifference(['one', 'two'], ['one'])).toEqual(['expected: two', 'got:      (nothing)']);
    expect(firstDifference(['one'], ['one', '   ^^^ ETIMEDOUT: recvfrom timed out'])).toEqual([
      'expected: (nothing more)',
      'got:      ETIMEDOUT: recvfrom timed out',
    ]);
  });
});
