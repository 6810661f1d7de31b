import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { CLI, ROOT, freeFixedPort, sockshell } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

/** sockshell record and sockshell test as a user runs them. */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-transcripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('record and test', () => {
  it('a recorded session replays green, unmodified, with the OS-chosen ports as [PORTn]', async () => {
    const file = join(dir, 'roundtrip.sockt');
    const session =
      's = udp.bind 127.0.0.1 0\na = s.getsockname\nc = udp.socket\nc.sendto hi $a\nm, f = s.recvfrom 10\n$f\ns.sendto $m $f\nc.recvfrom 10\nudp.bind 99999\n';
    const rec = await sockshell(['record', file], { input: session });
    expect(rec.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    // The header sockshell test reads, its defaults written out for whoever edits it.
    expect(text.split('\n').slice(0, 7)).toEqual([
      '---',
      'title: roundtrip',
      'points: 1',
      'commentary: ignored',
      'visibility: visible',
      '---',
      `A sockshell transcript. Replay it with: sockshell test ${file}`,
    ]);
    expect(text).toContain("  ('127.0.0.1', [PORT2])\n");
    expect(text).toContain("  (b'hi', ('127.0.0.1', [PORT1]))\n");
    expect(text).not.toMatch(/\b(3[2-9]\d{3}|[4-5]\d{4}|60\d{3})\b/); // no ephemeral port left literal
    const replayed = await sockshell(['test', file]);
    expect(replayed).toMatchObject({ status: 0, stdout: `ok      ${file}\n1 passed, 0 failed\n` });
    // The header is read: its title (edited here) names the test in results, and its points count.
    writeFileSync(file, text.replace('title: roundtrip', 'title: a round trip').replace('points: 1', 'points: 3'));
    const json = join(dir, 'roundtrip.json');
    expect((await sockshell(['test', '--json', json, file])).status).toBe(0);
    const results = JSON.parse(readFileSync(json, 'utf8')) as { submissions: { tests: unknown[] }[] };
    expect(results.submissions[0]!.tests[0]).toMatchObject({ name: 'a round trip', points: 3 });
  });

  it('the header says port: for the one fixed port the session talked to, and nothing for two (user trial 5)', async () => {
    const port = await freeFixedPort();
    const file = join(dir, 'one-port.sockt');
    const rec = await sockshell(['record', file], {
      input: `s = udp.bind 127.0.0.1 ${port}\nc = udp.socket\nc.sendto hi 127.0.0.1 ${port}\n`,
    });
    expect(rec.status).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n').slice(0, 7)).toEqual([
      '---',
      'title: one-port',
      'points: 1',
      `port: ${port}`,
      'commentary: ignored',
      'visibility: visible',
      '---',
    ]);
    const other = await freeFixedPort();
    const two = join(dir, 'two-ports.sockt');
    await sockshell(['record', two], { input: `c = udp.socket\nc.sendto hi 127.0.0.1 ${port}\nc.sendto hi 127.0.0.1 ${other}\n` });
    expect(readFileSync(two, 'utf8')).not.toContain('port:');
  });

  it('a mismatch prints a unified diff with the transcript’s line numbers and exits 1', async () => {
    const file = join(dir, 'wrong.sockt');
    writeFileSync(file, 'Prose first.\n\n  sockshell> print hello\n  hello\n  sockshell> print world\n  planet\n');
    const r = await sockshell(['test', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      `FAIL    ${file}\n--- ${file} (expected)\n+++ ${file} (this run)\n@@ -3,4 +3,4 @@\n   sockshell> print hello\n   hello\n   sockshell> print world\n-  planet\n+  world\n` +
        '        what it checks: Prose first.\n        at line 5: print world\n        expected: planet\n        got:      world\n0 passed, 1 failed\n',
    );
  });

  it('a run stops at its first mismatch: nothing after it runs or shows as a difference, and a student reads only that one', async () => {
    const file = join(dir, 'first-only.sockt');
    writeFileSync(
      file,
      "It prints three words.\n\n  sockshell> print one\n  one\n  sockshell> print two\n  TWO\n  sockshell> sleep 60\n  sockshell> $nothing\n  b'x'\n",
    );
    const r = await sockshell(['test', '--feedback', 'student', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      `FAIL    ${file}\n        what it checks: It prints three words.\n        at line 5: print two\n        expected: TWO\n        got:      two\n        (the lines after it were not run)\n0 passed, 1 failed\n`,
    );
    // The instructor's diff ends where the run did: lines 7 on never ran, so none reads as context this run showed.
    const diff = await sockshell(['test', file]);
    expect(diff.stdout).toBe(
      `FAIL    ${file}\n--- ${file} (expected)\n+++ ${file} (this run, which stopped before line 7)\n@@ -3,4 +3,4 @@\n   sockshell> print one\n   one\n   sockshell> print two\n-  TWO\n+  two\n` +
        '        what it checks: It prints three words.\n        at line 5: print two\n        expected: TWO\n        got:      two\n        (the lines after it were not run)\n0 passed, 1 failed\n',
    );
  });

  it('wildcards, regular expressions and port placeholders match', async () => {
    const file = join(dir, 'patterns.sockt');
    writeFileSync(
      file,
      [
        '  sockshell> s = udp.bind 127.0.0.1 0',
        '  ...',
        '  sockshell s> s.getsockname',
        "  ('127.0.0.1', [PORT1])",
        '  sockshell s> print "took [...] ms" 12',
        '  took [...] ms 12',
        '  sockshell s> print 2026-11-23',
        '  \\d{4}-\\d\\d-\\d\\d (re)',
        '  sockshell s> s2 = udp.socket',
        '  # socket(AF_INET, SOCK_DGRAM) → s2',
        '  sockshell s2> s2.sendto x 127.0.0.1 [PORT1]',
        '  # the OS bound s2 to [...]',
        '  1',
        '  [s] a datagram of 1 byte from [...] is waiting; recvfrom will return it',
        '  sockshell s2> s.recvfrom 10',
        "  (b'x', ('127.0.0.1', [PORT2]))",
        '',
      ].join('\n'),
    );
    const r = await sockshell(['test', file]);
    expect(r.stdout).toBe(`ok      ${file}\n1 passed, 0 failed\n`);
  });

  it('the same placeholder must be the same port', async () => {
    const file = join(dir, 'same-port.sockt');
    writeFileSync(
      file,
      "  sockshell> a = udp.bind 127.0.0.1 0\n  ...\n  sockshell a> b = udp.bind 127.0.0.1 0\n  ...\n  sockshell b> a.getsockname\n  ('127.0.0.1', [PORT1])\n  sockshell b> b.getsockname\n  ('127.0.0.1', [PORT1])\n",
    );
    const r = await sockshell(['test', file]);
    expect(r.status).toBe(1);
  });

  it('--update rewrites the expected output and keeps the placeholders', async () => {
    const file = join(dir, 'update.sockt');
    writeFileSync(
      file,
      "  sockshell> s = udp.bind 127.0.0.1 0\n  ...\n  sockshell s> s.getsockname\n  ('127.0.0.1', [PORT1])\n  sockshell s> print new\n  old\n",
    );
    const r = await sockshell(['test', '--update', file]);
    expect(r).toMatchObject({ status: 0, stdout: `updated ${file}\n1 passed, 0 failed\n` });
    expect(readFileSync(file, 'utf8')).toBe(
      "  sockshell> s = udp.bind 127.0.0.1 0\n  ...\n  sockshell s> s.getsockname\n  ('127.0.0.1', [PORT1])\n  sockshell s> print new\n  new\n",
    );
    expect((await sockshell(['test', file])).status).toBe(0);
  });

  it('a transcript that does not parse is reported with its line and exits 2', async () => {
    const file = join(dir, 'broken.sockt');
    writeFileSync(file, 'Prose.\n  output before any command\n  sockshell> print x\n  x [bad (re)\n');
    const r = await sockshell(['test', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:2: output with no command above it`);
    expect(r.stderr).toContain(`${file}:4: bad regular expression`);
  });

  it('Ctrl-C stops sockshell test with status 130', async () => {
    // The transcript says when it runs: it sends a datagram here, then sleeps. Once the datagram is
    // in, sockshell's Ctrl-C handling is set up and the sleep is under way.
    const here = createSocket('udp4');
    let arrived = false;
    here.on('message', () => (arrived = true));
    await new Promise<void>((resolve) => here.bind(0, '127.0.0.1', resolve));
    const file = join(dir, 'slow.sockt');
    writeFileSync(
      file,
      `  sockshell> u = udp.socket\n  sockshell u> u.sendto started 127.0.0.1 ${here.address().port}\n  7\n  sockshell u> sleep 60\n`,
    );
    const child = spawn(process.execPath, [CLI, 'test', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      // 'close', not 'exit': at 'exit' the last of stdout and stderr may still be in their pipes.
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await waitFor(() => arrived, 'the transcript to start');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(out).toContain('(interrupted)');
    } finally {
      here.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('a directory runs every .sockt below it and ends with the summary', async () => {
    // textbook-scripts.sockt runs the scripts in scripts/, outside the transcripts' folder.
    const r = await sockshell(['test', '--allow-files', 'test/transcripts']);
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    expect(r.status).toBe(0);
  });
});

describe('transcript syntax', () => {
  it('a [PORTn] typed before any output showed it is a transcript error', async () => {
    const file = join(dir, 'unshown.sockt');
    writeFileSync(file, '  sockshell> c = udp.socket\n  sockshell c> c.sendto x 127.0.0.1 [PORT1]\n');
    const r = await sockshell(['test', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:2: [PORT1] is typed before any output shows it`);
    expect(r.stdout).toContain('0 passed, 1 failed');
  });
});

describe('no false verdicts (issue 15)', () => {
  it('a transcript that types no command is an error, not a pass: prose alone, or a session indented with tabs', async () => {
    const prose = join(dir, 'prose.sockt');
    const tabbed = join(dir, 'tabbed.sockt');
    writeFileSync(prose, 'This file only talks about UDP.\n');
    writeFileSync(tabbed, 'Indented with tabs:\n\tsockshell> print hi\n\thi\n');
    const r = await sockshell(['test', prose, tabbed]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(
      `FAIL    ${prose}: it cannot be replayed (see above)\nFAIL    ${tabbed}: it cannot be replayed (see above)\n0 passed, 2 failed\n`,
    );
    expect(r.stderr).toContain(`${prose}:1: it checks nothing: no line types a command; a command is a line indented two spaces`);
    expect(r.stderr).toContain(
      `${tabbed}:1: it checks nothing: no line types a command; line 2 is indented with a tab, which makes it prose`,
    );
    const checked = await sockshell(['check', tabbed, 'test/transcripts/udp-step-by-step.sockt']);
    expect(checked.status).toBe(2);
    expect(checked.stderr).toContain(`${tabbed}:1: it checks nothing`);
    expect((await sockshell(['check', 'test/transcripts/udp-step-by-step.sockt'])).stdout).toBe(
      'test/transcripts/udp-step-by-step.sockt: ok\n',
    );
  });

  it('--update never writes a failed expect as expected output, and refuses --with unless --force', async () => {
    const file = join(dir, 'checked.sockt');
    const text = '  sockshell> x = hello\n  sockshell> expect $x == "HELLO"\n';
    writeFileSync(file, text);
    const r = await sockshell(['test', '--update', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL    ${file}: not updated: the check at line 2 failed this run (expected 'HELLO', got`);
    expect(readFileSync(file, 'utf8')).toBe(text);
    const withProgram = await sockshell(['test', '--update', '--with', 'python3 -c "print(1)"', file]);
    expect(withProgram.status).toBe(2);
    expect(withProgram.stderr).toContain('--update with --with would rewrite the transcripts to whatever this program does');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('--update never writes a timeout the transcript did not have (a server that was not running)', async () => {
    const file = join(dir, 'no-server.sockt');
    const port = await freeFixedPort();
    const text = `  sockshell> c = udp.socket\n  sockshell> c.sendto hello 127.0.0.1 ${port}\n  5\n  sockshell> m, a = c.recvfrom 2048\n`;
    writeFileSync(file, text);
    const r = await sockshell(['test', '--update', '--timeout', '1', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL    ${file}: not updated: a call timed out this run where the transcript expected none`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('--port takes decimal digits only', async () => {
    for (const port of ['1e4', '0x52DC', '12000.0']) {
      const r = await sockshell(['test', '--port', port, 'test/transcripts/udp-step-by-step.sockt']);
      expect(r.status, port).toBe(2);
      expect(r.stderr).toContain(`--port needs a port number, got '${port}'`);
    }
  });
});

describe('test: bounds and reports', () => {
  it('--wall bounds a whole transcript; -x starts nothing after the first failure', async () => {
    const slow = join(dir, 'wall.sockt');
    writeFileSync(slow, '  sockshell> sleep 30\n  sockshell> print after\n  after\n');
    const wrong = join(dir, 'x-wrong.sockt');
    writeFileSync(wrong, '  sockshell> print a\n  b\n');
    const r = await sockshell(['test', '--wall', '0.5', '-x', slow, wrong, wrong]);
    expect(r.stdout).toBe(`FAIL    ${slow}: it did not finish within the wall limit of 0.5 s\n0 passed, 1 failed, 2 not run (-x)\n`);
    expect(r.status).toBe(1);
  });

  it('--json and --junit write every verdict; --gradescope one submission with points from the header', async () => {
    const good = join(dir, 'report-good.sockt');
    writeFileSync(good, '---\ntitle: prints a\npoints: 3\nvisibility: hidden\n---\n  sockshell> print a\n  a\n');
    const bad = join(dir, 'report-bad.sockt');
    writeFileSync(bad, 'It prints b.\n  sockshell> print a\n  b\n');
    const [json, junit, gs] = [join(dir, 'r.json'), join(dir, 'r.xml'), join(dir, 'gs.json')];
    const r = await sockshell(['test', '--feedback', 'student', '--json', json, '--junit', junit, '--gradescope', gs, good, bad]);
    expect(r.status).toBe(1);
    const results = JSON.parse(readFileSync(json, 'utf8')) as { submissions: { score: number; max_score: number; tests: unknown[] }[] };
    expect(results.submissions).toHaveLength(1);
    expect(results.submissions[0]).toMatchObject({ score: 3, max_score: 4, passed: 1, failed: 1 });
    expect(results.submissions[0]!.tests[1]).toMatchObject({
      name: 'report-bad.sockt',
      outcome: 'failed',
      points: 0,
      max_points: 1,
      feedback: ['what it checks: It prints b.', 'at line 2: print a', 'expected: b', 'got:      a'],
    });
    expect(readFileSync(junit, 'utf8')).toContain('<testcase name="report-bad.sockt" classname="sockshell test" time="');
    expect(JSON.parse(readFileSync(gs, 'utf8'))).toMatchObject({
      score: 3,
      tests: [
        { name: 'prints a', score: 3, max_score: 3, status: 'passed', visibility: 'hidden', output: '' },
        { name: 'report-bad.sockt', score: 0, max_score: 1, status: 'failed', visibility: 'visible' },
      ],
    });
  });

  it('-j with a --with program needs {port}: programs side by side on one port would collide', async () => {
    const r = await sockshell(['test', '-j', '2', '--with', 'sleep 1', join(dir, 'x-wrong.sockt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('-j 2 runs programs side by side, so each needs a port of its own: write {port} in --with');
  });
});
