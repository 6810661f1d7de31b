import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * What a student is told when the program ended before the transcript got what it waited for
 * (instructor trial, findings B and C): the textbook's programs altered as students alter them,
 * graded with {port} against test/grading/, and each line of feedback checked against what the
 * program did (its traceback, its exit).
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-end-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GRADING = 'test/grading';
const PORT_HINT = 'does it read its port from its arguments?';

function altered(kind: string, file: string, name: string, from: string, to: string): string {
  const text = readFileSync(join(GRADING, kind, 'submissions/textbook', file), 'utf8');
  expect(text).toContain(from);
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, file), text.replace(from, to));
  return join(dir, name, file);
}

async function feedback(program: string, kind: string): Promise<string[]> {
  const r = await sockshell([
    'test',
    // An upper bound, not the time the story takes: every program here ends (crashes or exits), and a
    // line's wait ends when its program does. Python's own start-up took more than 2 s at load 15 in
    // the fresh-clone CI, and the run then said 'still running'.
    '--timeout',
    '30',
    '--feedback',
    'student',
    '--with',
    `python3 ${program} {port}`,
    join(GRADING, kind, 'transcripts/upper.sockt'),
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('        '))
    .map((l) => l.trim());
}

describe.runIf(hasPython)('grading: a program that ended is told why nothing came, in its own terms', () => {
  it.each([
    ['udp-client', 'UDPClient.py', 'no-encode', 'clientSocket.sendto(message.encode(),', 'clientSocket.sendto(message,', 'TypeError'],
    ['udp-client', 'UDPClient.py', 'raw-input', "input('", "raw_input('", 'NameError'],
  ])(
    'a %s (%s: %s → %s) that crashed with an error of its own is not sent to its port argument',
    async (kind, file, name, from, to, error) => {
      const lines = await feedback(altered(kind, file, name, from, to), kind);
      expect(lines).toContain('the program: exit status 1');
      expect(lines.some((l) => l.startsWith(error))).toBe(true);
      expect(lines.join('\n')).not.toContain(PORT_HINT);
      expect(lines).toContain(`nothing reached port 21214 before the program stopped with ${error} (its standard error below says where)`);
    },
  );

  it('a client Python cannot compile is told that it ran no line, not about its port', async () => {
    const program = altered(
      'tcp-client',
      'TCPClient.py',
      'py2-print',
      "print('From Server: ', modifiedSentence.decode())",
      "print 'From Server: ', modifiedSentence",
    );
    const lines = await feedback(program, 'tcp-client');
    expect(lines.join('\n')).not.toContain(PORT_HINT);
    expect(lines).toContain(
      'nothing reached port 21215: Python could not compile the program (SyntaxError), so it ran no line of it (its standard error below says where)',
    );
  });

  it('a submission without the file is told that python3 could not open it, not about its port', async () => {
    const lines = await feedback(join(dir, 'not-submitted', 'UDPClient.py'), 'udp-client');
    expect(lines).toContain('the program: exit status 2');
    expect(lines.join('\n')).not.toContain(PORT_HINT);
    expect(lines).toContain(
      "nothing reached port 21214: python3 could not open the program's file, so it never ran (its standard error below says which file)",
    );
  });

  it('a client refused by a hard-coded port keeps the port hint: its error is a socket error', async () => {
    const program = altered('tcp-client', 'TCPClient.py', 'port-typo', 'serverPort = int(sys.argv[1])', 'serverPort = 1');
    const lines = await feedback(program, 'tcp-client');
    expect(lines.some((l) => l.startsWith('ConnectionRefusedError'))).toBe(true);
    expect(lines.join('\n')).toContain(PORT_HINT);
  });

  it('a TCP server that served one client and exited is told so, not "start the server first"', async () => {
    const program = altered('tcp-server', 'TCPServer.py', 'one-client', 'while True:', 'if True:');
    const lines = await feedback(program, 'tcp-server');
    expect(lines).toContain('the program: exit status 0');
    expect(lines.join('\n')).not.toContain('start the server first');
    expect(lines).toContain(
      'nothing was listening when this line connected: the program ended on its own (exit status 0) instead of accepting the next client (a server loops around accept)',
    );
  });

  it('a client whose output ended before the line expected is told its stdout ended, not a bare (nothing)', async () => {
    // Instructor trial 2: a pinger that crashed at its first timeout read `got: (nothing)`, where one
    // still running read "(no more stdout within 5 s: the program is still running)".
    const program = altered('udp-client', 'UDPClient.py', 'exits-before-print', 'print(modifiedMessage.decode())', 'sys.exit(3)');
    const lines = await feedback(program, 'udp-client');
    expect(lines).toContain('the program: exit status 3');
    expect(lines.join('\n')).toContain('(its stdout ended: the program closed it or exited; nothing more can come)');
  });
});
