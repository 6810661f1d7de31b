import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, freeFixedPort, hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * `sockshell grade` over the textbook's four programs and the mistakes a class makes
 * (test/grading/KIND/submissions), each against the transcripts written for that program: every
 * verdict is checked, and so are the JSON, JUnit XML and Gradescope results it writes.
 *
 * Each kind is copied to a temporary folder with the transcripts' port (2121x) replaced by a free
 * one, so a program that hard-codes the transcripts' port binds a port no other test uses.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Kind = 'udp-server' | 'tcp-server' | 'udp-client' | 'tcp-client' | 'udp-pinger';
const PROGRAM: Record<Kind, string> = {
  'udp-server': 'UDPServer.py',
  'tcp-server': 'TCPServer.py',
  'udp-client': 'UDPClient.py',
  'tcp-client': 'TCPClient.py',
  'udp-pinger': 'UDPPingerClient.py',
};

/** A copy of test/grading/KIND with its fixed port replaced by a free one. */
async function copyOf(kind: Kind, to = join(dir, kind)): Promise<string> {
  cpSync(new URL(`../grading/${kind}/`, import.meta.url), to, { recursive: true });
  const port = String(await freeFixedPort());
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else writeFileSync(path, readFileSync(path, 'utf8').replace(/\b2121[2-6]\b/g, port));
    }
  };
  walk(to);
  return to;
}

interface Json {
  submissions: {
    submission: string;
    score: number;
    max_score: number;
    tests: { name: string; file: string; outcome: string; points: number; max_points: number; feedback: string[] }[];
  }[];
}

/** Grades a kind with -j 4 and every report; returns the verdicts as submission → transcript file → outcome. */
async function grade(kind: Kind) {
  const root = await copyOf(kind);
  const [json, junit, gradescope] = [join(root, 'results.json'), join(root, 'junit.xml'), join(root, 'gradescope')];
  const r = await sockshell([
    'grade',
    '-j',
    '4',
    '--timeout',
    '10',
    '--feedback',
    'student',
    '--json',
    json,
    '--junit',
    junit,
    '--gradescope',
    gradescope,
    '--with',
    `python3 {submission}/${PROGRAM[kind]} {port}`,
    join(root, 'submissions'),
    join(root, 'transcripts'),
  ]);
  const results = JSON.parse(readFileSync(json, 'utf8')) as Json;
  const verdicts: Record<string, Record<string, string>> = {};
  for (const s of results.submissions)
    verdicts[s.submission] = Object.fromEntries(s.tests.map((t) => [t.file.split('/').pop()!.replace('.sockt', ''), t.outcome]));
  // What each failed run said first: on a verdict that differs, the test says why that run failed
  // (under load a run once failed where it passes, and the verdicts alone did not tell why).
  const said = results.submissions
    .flatMap((s) => s.tests.filter((t) => t.outcome !== 'passed').map((t) => `${s.submission} ${t.file}: ${t.feedback.join(' | ')}`))
    .join('\n');
  return { r, root, results, verdicts, said, junit, gradescope };
}

const pass = 'passed';
const fail = 'failed';

describe.runIf(hasPython)('sockshell grade: the textbook programs and the mistakes a class makes', () => {
  it('UDP servers: every verdict, and the feedback a student reads', async () => {
    const { r, verdicts, said, results } = await grade('udp-server');
    expect(verdicts, said).toEqual({
      'fixed-reply-address': { 'non-ascii': pass, 'two-clients': fail, upper: pass },
      'hard-coded-port': { 'non-ascii': fail, 'two-clients': fail, upper: fail },
      'lower-cases': { 'non-ascii': fail, 'two-clients': fail, upper: fail },
      'no-loop': { 'non-ascii': pass, 'two-clients': fail, upper: fail },
      'non-ascii-crash': { 'non-ascii': fail, 'two-clients': pass, upper: pass },
      slow: { 'non-ascii': fail, 'two-clients': fail, upper: fail },
      textbook: { 'non-ascii': pass, 'two-clients': pass, upper: pass },
      'trailing-newline': { 'non-ascii': fail, 'two-clients': fail, upper: fail },
    });
    expect(r.status).toBe(1);
    const feedback = (who: string, test: string) =>
      results.submissions.find((s) => s.submission === who)!.tests.find((t) => t.file.endsWith(`${test}.sockt`))!.feedback;
    expect(feedback('lower-cases', 'upper')).toEqual([
      'what it checks: The server sends each datagram back upper-cased, to the address it came from, and keeps serving.',
      'at line 12: $modifiedMessage',
      "expected: b'HELLO GRADER'",
      "got:      b'hello grader'",
      '(the lines after it were not run)',
      'the program: still running',
    ]);
    expect(feedback('trailing-newline', 'upper')).toContain("got:      b'HELLO GRADER\\n'");
    expect(feedback('non-ascii-crash', 'non-ascii')).toEqual(
      expect.arrayContaining([
        'the program: exit status 1',
        "  UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 1: ordinal not in range(128)",
      ]),
    );
    // Every run binds the hard-coded port and is told so: one side by side with another that found the
    // port taken is run again on its own (pool.ts), so no transcript says "Address already in use".
    // A student is told in the program's terms (its port argument), never the instructor's --with and {port}.
    for (const test of ['upper', 'two-clients', 'non-ascii'])
      expect(feedback('hard-coded-port', test)[0]).toBe('the program did not bind the port it was given as its argument (sys.argv[1]),');
    expect(feedback('hard-coded-port', 'upper')).toContain('Make it read its port from its arguments (serverPort = int(sys.argv[1])).');
    expect(feedback('hard-coded-port', 'upper').join('\n')).not.toMatch(/\{port\}|--with/);
    expect(feedback('slow', 'upper').slice(1, 4)).toEqual([
      'at line 11: modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
      'expected: (nothing more)',
      'got:      ETIMEDOUT: recvfrom timed out after 10 s; the socket is still usable (TimeoutError)',
    ]);
    // Points come from the headers: upper is worth 2, the others 1.
    expect(results.submissions.find((s) => s.submission === 'textbook')).toMatchObject({ score: 4, max_score: 4 });
    expect(results.submissions.find((s) => s.submission === 'no-loop')).toMatchObject({ score: 1, max_score: 4 });
    expect(r.stdout).toMatch(/│ textbook +│ 3\/3 +│ 4\/4 +│ +│/);
  });

  it('TCP servers: the textbook passes; recv on the welcoming socket and no loop fail', async () => {
    const { verdicts, said, results } = await grade('tcp-server');
    expect(verdicts, said).toEqual({ 'no-loop': { upper: fail }, 'recv-on-welcoming-socket': { upper: fail }, textbook: { upper: pass } });
    const welcoming = results.submissions.find((s) => s.submission === 'recv-on-welcoming-socket')!.tests[0]!.feedback;
    expect(welcoming).toEqual(expect.arrayContaining(["expected: b'HELLO GRADER'", 'the program: exit status 1']));
    // It crashed with the client's line unread: the kernel resets the connection, which recv reports as
    // ECONNRESET, or as b'' when the reset came before the read.
    expect(welcoming.find((l) => l.startsWith('got:'))).toMatch(/^got: {6}(b''|ECONNRESET: the peer reset the connection of clientSocket)/);
    expect(welcoming).toContain('  OSError: [Errno 107] Transport endpoint is not connected');
  });

  it('UDP clients: started by the transcript once its server is up, fed a line, their output and exit checked', async () => {
    const { verdicts, said, results } = await grade('udp-client');
    expect(verdicts, said).toEqual({
      'hard-coded-port': { 'non-ascii': fail, upper: fail },
      // It prints its own line upper-cased: the transcript's server answers with words it cannot make up.
      'never-reads': { 'non-ascii': fail, upper: fail },
      'non-ascii-crash': { 'non-ascii': fail, upper: pass },
      textbook: { 'non-ascii': pass, upper: pass },
      'trailing-newline': { 'non-ascii': fail, upper: fail },
    });
    const newline = results.submissions
      .find((s) => s.submission === 'trailing-newline')!
      .tests.find((t) => t.file.endsWith('upper.sockt'))!;
    expect(newline.feedback).toEqual(expect.arrayContaining(["expected: b'hello client'", "got:      b'hello client\\n'"]));
  });

  it('TCP clients: the textbook passes; a trailing newline, and printing without reading the reply, fail', async () => {
    const { verdicts, said } = await grade('tcp-client');
    expect(verdicts, said).toEqual({ 'never-reads': { upper: fail }, textbook: { upper: pass }, 'trailing-newline': { upper: fail } });
  });

  it('UDP pingers (a variant assignment): a dropped ping must be said as timed out after the 1 s timeout', async () => {
    const { verdicts, said, results } = await grade('udp-pinger');
    expect(verdicts, said).toEqual({
      'closes-early': { ping: fail },
      'no-decode': { ping: fail },
      'no-timeout': { ping: fail },
      reference: { ping: pass },
      uncaught: { ping: fail },
    });
    const feedback = (who: string) => results.submissions.find((s) => s.submission === who)!.tests[0]!.feedback;
    expect(feedback('no-decode').find((l) => l.startsWith('got:'))).toMatch(/^got: {6}Reply 1: b'PONG ONE \(GRADER\)' RTT \d+\.\d+ s$/);
    expect(feedback('no-timeout')).toContain('got:      (no more stdout within 10 s: the program is still running)');
    expect(feedback('uncaught')).toEqual(
      expect.arrayContaining([
        'expected: Ping 2: Request timed out',
        'got:      (its stdout ended: the program closed it or exited; nothing more can come)',
        'the program: exit status 1',
        '  TimeoutError: timed out',
      ]),
    );
    expect(feedback('closes-early')).toEqual(
      expect.arrayContaining(['the program: exit status 1', '  OSError: [Errno 9] Bad file descriptor']),
    );
  });

  it("the shipped UDPClient.sock and TCPClient.sock pass the transcripts the textbook's clients pass: input's prompt is on stdout, as Python's", async () => {
    for (const [kind, script] of [
      ['udp-client', 'UDPClient.sock'],
      ['tcp-client', 'TCPClient.sock'],
    ] as const) {
      const root = await copyOf(kind, join(dir, `${kind}-sock`));
      const submission = join(root, 'sock-submissions', 'shipped');
      mkdirSync(submission, { recursive: true });
      cpSync(join(ROOT, 'scripts', script), join(submission, script));
      const r = await sockshell([
        'grade',
        '--timeout',
        '10',
        '--with',
        `node ${CLI} run {submission}/${script} serverPort={port}`,
        join(root, 'sock-submissions'),
        join(root, 'transcripts'),
      ]);
      expect(r.stdout, r.stdout).toMatch(/^[1-9]\d* passed, 0 failed over 1 submissions$/m);
    }
  });

  it("the JUnit XML has the schema's required elements and attributes, and Gradescope's results.json its fields", async () => {
    const { junit, gradescope, results } = await grade('tcp-server');
    // Ant's JUnit schema (what CI servers read): testsuites > testsuite(name, tests, failures, errors,
    // time, timestamp, hostname, id, package) > properties, testcase(name, classname, time) with
    // failure(type) or error(type), system-out, system-err.
    const check = `
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites', root.tag
suites = root.findall('testsuite')
assert suites, 'no testsuite'
for s in suites:
    for a in ('name', 'tests', 'failures', 'errors', 'time', 'timestamp', 'hostname', 'id', 'package'):
        assert a in s.attrib, 'testsuite lacks ' + a
    children = [c.tag for c in s]
    assert children[0] == 'properties' and children[-2:] == ['system-out', 'system-err'], children
    cases = s.findall('testcase')
    assert int(s.get('tests')) == len(cases)
    bad = 0
    for c in cases:
        for a in ('name', 'classname', 'time'):
            assert a in c.attrib, 'testcase lacks ' + a
        float(c.get('time'))
        for f in list(c):
            assert f.tag in ('failure', 'error') and 'type' in f.attrib, f.tag
            bad += 1
    assert bad == int(s.get('failures')) + int(s.get('errors'))
print(len(suites), sum(len(s.findall('testcase')) for s in suites), sum(int(s.get('failures')) for s in suites))
`;
    const validated = await runProcess('python3', ['-c', check, junit]);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toBe('3 3 2\n');
    for (const s of results.submissions) {
      const gs = JSON.parse(readFileSync(join(gradescope, s.submission, 'results.json'), 'utf8')) as {
        score: number;
        execution_time: number;
        tests: { name: string; score: number; max_score: number; status: string; visibility: string; output: string }[];
      };
      expect(gs.score).toBe(s.score);
      expect(Number.isInteger(gs.execution_time)).toBe(true);
      expect(gs.tests).toHaveLength(1);
      const [t] = gs.tests;
      expect(t).toMatchObject({
        name: 'the server upper-cases what a client sends, one connection after another',
        max_score: 2,
        visibility: 'visible',
      });
      expect(t!.status).toBe(s.submission === 'textbook' ? 'passed' : 'failed');
      expect(t!.score).toBe(s.submission === 'textbook' ? 2 : 0);
      expect(t!.output === '').toBe(s.submission === 'textbook');
    }
  });
});
