import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, portFarFromFresh, sockshell } from '../helpers/proc.js';

/**
 * What grading tells a student, checked against what the student's program did (user trial 5,
 * findings M, E, G and N): the textbook's programs, each altered as a student might, graded with
 * {port} against the transcripts in test/grading/.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-words-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GRADING = 'test/grading';

/** The textbook program `kind/submissions/textbook/file` with `from` replaced by `to`, written as `name`. */
function altered(kind: string, file: string, name: string, edits: readonly (readonly [string, string])[]): string {
  let text = readFileSync(join(GRADING, kind, 'submissions/textbook', file), 'utf8');
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, file), text);
  return join(folder, file);
}

/** `sockshell test --feedback student` of program against kind's upper.sockt, with {port}. */
function graded(program: string, kind: string, ...flags: string[]) {
  return sockshell([
    'test',
    ...flags,
    '--feedback',
    'student',
    '--with',
    `python3 ${program} {port}`,
    join(GRADING, kind, 'transcripts/upper.sockt'),
  ]);
}

/** The feedback lines of one FAIL, without its `FAIL    file` line and the summary. */
function feedback(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('        '))
    .map((l) => l.trim());
}

describe.runIf(hasPython)('grading feedback says what the program did', () => {
  it("a client's output is its own: the shell's notice about its own socket is said apart, as what it saw meanwhile (M)", async () => {
    // The client sends, then closes its socket with the reply unread (so Linux resets the connection)
    // and ends; the transcript's server reads its standard output meanwhile. It waits (select) until the
    // reply is there, unread: a sleep alone let a reply slowed by load come after the close, a FIN then,
    // not a reset. The pauses stay: the reset must come once the shell waits on program> stdout (a close at
    // the reply's arrival came during the send's line, 2 of 3 loop runs, not "meanwhile"), and the shell
    // must read it before the program's end; nothing the program can see marks either.
    const program = altered('tcp-client', 'TCPClient.py', 'resets', [
      [
        'modifiedSentence = clientSocket.recv(1024)',
        "import select, time\nselect.select([clientSocket], [], [], 60)\ntime.sleep(0.5)\nclientSocket.close()\ntime.sleep(0.5)\nraise SystemExit('boom')",
      ],
    ]);
    // The transcript without its server's close: the reply is still on its way when the client's reset comes.
    const text = readFileSync(join(GRADING, 'tcp-client/transcripts/upper.sockt'), 'utf8').replace(
      '  sockshell connectionSocket> connectionSocket.close\n',
      '',
    );
    const file = join(dir, 'tcp-client.sockt');
    writeFileSync(file, text);
    const r = await sockshell(['test', '--feedback', 'student', '--with', `python3 ${program} {port}`, file]);
    expect(r.status).toBe(1);
    const lines = feedback(r.stdout);
    const got = lines.findIndex((l) => l.startsWith('got:'));
    expect(lines[got]).toBe('got:      Input lowercase sentence:');
    // The client crashed at its reset: its output ended, said under got: (instructor trial 2).
    expect(lines[got + 1]).toBe('(its stdout ended: the program closed it or exited; nothing more can come)');
    expect(lines[got + 2]).toBe(
      'meanwhile the shell saw, on its own socket: [connectionSocket] ECONNRESET arrived; the next call on connectionSocket reports it',
    );
    expect(lines.filter((l) => l.includes('ECONNRESET'))).toHaveLength(1);
  });

  it('a server that says it is ready and exits is told the same way every run, one at a time or side by side (E)', async () => {
    const program = altered('udp-server', 'UDPServer.py', 'frank/exits', [['while True:', 'while False:']]);
    const transcript = join(GRADING, 'udp-server/transcripts/upper.sockt');
    const runs = await Promise.all([0, 1, 2].map(() => graded(program, 'udp-server')));
    const expected = [
      'what it checks: The server sends each datagram back upper-cased, to the address it came from, and keeps serving.',
      'at line 11: modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
      'expected: (nothing more)',
      'got:      (the program ended (exit status 0), so nothing more could come to this call)',
      '(the lines after it were not run)',
      'the program: exit status 0',
    ];
    for (const r of runs) expect(feedback(r.stdout)).toEqual(expected);
    // Its instructor's note says what is known whenever it ended: before it was stopped.
    const instructor = await sockshell(['test', '--with', `python3 ${program} {port}`, transcript]);
    expect(instructor.stdout).toContain(`--with "python3 ${program} {port}" exited (status 0) before it was stopped\n`);
    expect(instructor.stdout).not.toMatch(/during the replay|before it was ready/);
  });

  it('a server that binds a port of its own is told so in its own terms: its port argument, sys.argv (G)', async () => {
    const fixed = await portFarFromFresh();
    const program = altered('udp-server', 'UDPServer.py', 'bob', [['int(sys.argv[1])', String(fixed)]]);
    const transcript = join(GRADING, 'udp-server/transcripts/upper.sockt');
    const student = await graded(program, 'udp-server');
    expect(student.stdout).toContain(
      `the program did not bind the port it was given as its argument (sys.argv[1]); it bound UDP port ${fixed} instead: does it read its port from its arguments?\n`,
    );
    expect(student.stdout).not.toMatch(/\{port\}|--with/);
    // The instructor still reads the command line's terms.
    const instructor = await sockshell(['test', '--with', `python3 ${program} {port}`, transcript]);
    expect(instructor.stdout).toContain(
      `--with "python3 ${program} {port}" did not bind the port {port} gave it; it bound UDP port ${fixed}`,
    );
  });

  it('a client that sends to a port of its own is told that nothing reached the port it was given (N)', async () => {
    const elsewhere = await freeFixedPort();
    const hint = (port: number) =>
      `nothing reached port ${port}, the port the transcript bound and gave the program as its argument (sys.argv[1]): if it sent anything, it sent it elsewhere (does it read its port from its arguments?)`;
    const udp = altered('udp-client', 'UDPClient.py', 'udp-port', [['int(sys.argv[1])', String(elsewhere)]]);
    const u = await graded(udp, 'udp-client', '--timeout', '1');
    expect(u.stdout).toContain('got:      ETIMEDOUT: recvfrom timed out after 1 s');
    expect(feedback(u.stdout)).toContain(hint(21214));
    const tcp = altered('tcp-client', 'TCPClient.py', 'tcp-port', [['int(sys.argv[1])', String(elsewhere)]]);
    const t = await graded(tcp, 'tcp-client');
    expect(feedback(t.stdout)).toContain(hint(21215));
    expect(t.stdout).toContain('ConnectionRefusedError');
  });

  it.each([
    ['udp-client', 'UDPClient.py'],
    ['tcp-client', 'TCPClient.py'],
  ])('a %s that reaches the port and fails later is not told that nothing reached it (N)', async (kind, file) => {
    const r = await graded(join(GRADING, kind, 'submissions/trailing-newline', file), kind);
    expect(r.status).toBe(1);
    expect(feedback(r.stdout).length).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('nothing reached');
  });
});
