import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, portFarFromFresh, sockshell } from '../helpers/proc.js';

/**
 * A server that never binds the port it was given (instructor trial, finding E): what it holds says
 * which words are true. One stuck before its bind holds no bound socket and still runs; it is told
 * so, not asked whether it reads its port from its arguments (it does). Stuck here means blocked on
 * its standard input, which the grader never closes: no sleep, so the program is stuck every run.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-stuck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXTBOOK = 'test/grading/udp-server/submissions/textbook/UDPServer.py';
const TRANSCRIPT = 'test/grading/udp-server/transcripts/upper.sockt';
const PORT_HINT = 'does it read its port from its arguments?';

function altered(name: string, from: string, to: string): string {
  const text = readFileSync(TEXTBOOK, 'utf8');
  expect(text).toContain(from);
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'UDPServer.py'), text.replace(from, to));
  return join(dir, name, 'UDPServer.py');
}

/**
 * readyTimeout: the default --ready-timeout (5 s) where the words say it; python3 must reach its
 * input() inside it, and a pyenv shim alone took 2 s under load. The runs of one case go side by side.
 */
async function failure(program: string, feedback: 'student' | 'instructor', readyTimeout: string | null = null): Promise<string> {
  const ready = readyTimeout === null ? [] : ['--ready-timeout', readyTimeout];
  const r = await sockshell(['test', '--feedback', feedback, ...ready, '--with', `python3 ${program} {port}`, TRANSCRIPT]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  return r.stdout;
}

describe.runIf(hasPython && process.platform === 'linux')('grading: a server stuck before its bind is told what it holds', () => {
  it('one that opened no socket yet: it bound no port at all and still runs', async () => {
    const program = altered('no-socket', 'serverSocket = socket(', "input('Name: ')\nserverSocket = socket(");
    const [student, instructor] = await Promise.all([failure(program, 'student'), failure(program, 'instructor')]);
    expect(student).not.toContain(PORT_HINT);
    expect(student).toContain(
      'the program bound no port at all in 5 s, and is still running: it has opened no socket yet. Is it stuck before its bind (a sleep, or waiting for input)?',
    );
    expect(instructor).not.toContain(PORT_HINT);
    expect(instructor).toContain(
      `--with "python3 ${program} {port}" bound no port at all in 5 s, and is still running: it has opened no socket yet`,
    );
  });

  it('one with a socket it has not bound: the same, and the socket is said', async () => {
    const program = altered('unbound-socket', 'serverSocket.bind(', "input('Name: ')\nserverSocket.bind(");
    const student = await failure(program, 'student');
    expect(student).not.toContain(PORT_HINT);
    expect(student).toContain(
      'the program bound no port at all in 5 s, and is still running: it has a socket open, but no UDP socket bound to a port and no TCP socket listening. Is it stuck before its bind (a sleep, or waiting for input)?',
    );
  });

  // Fresh-clone CI of 3c9174c failed this case once at load ~1 ("never bound … and was still running",
  // without the port it bound): startPeer read the clock twice in its last look, so the look was not
  // late when it began and past the deadline when it ended, and took no holdings. One reading now.
  it('one that bound another port and waits is still told which, with the port question', async () => {
    const other = await portFarFromFresh();
    const program = altered('other-port', 'serverSocket.bind((', `serverSocket.bind(('', ${other}))\ninput()\nserverSocket.bind((`);
    // Its words name no wait, so the wait is only a bound (15 s, for python3's start at load ~15).
    const student = await failure(program, 'student', '15');
    expect(student).toContain(`it bound UDP port ${other} instead: ${PORT_HINT}`);
  });
});
