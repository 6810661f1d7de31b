import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A `program> stdout` whose first line already differs fails then (instructor trial 3, finding 2): it
 * waited out --timeout collecting more lines first. The client is a student's loop around the
 * textbook's: it prints the reply lower-cased and asks for the next line, so it never ends on its own.
 * With --timeout 30 the old behaviour says "(no more stdout within 30 s …)" under got:, which this
 * test refuses; the new one says what came and stops.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-fail-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOOPING_CLIENT = `import sys
from socket import *
serverPort = int(sys.argv[1])
clientSocket = socket(AF_INET, SOCK_DGRAM)
while True:
    message = input('Input lowercase sentence:')
    clientSocket.sendto(message.encode(), ('localhost', serverPort))
    modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
    print(modifiedMessage.decode().lower())
`;

describe.runIf(hasPython)('grading: a program> stdout check fails once what came cannot match', () => {
  it('a wrong first line from a program still running fails without waiting for --timeout', async () => {
    mkdirSync(join(dir, 'looping'), { recursive: true });
    const program = join(dir, 'looping', 'UDPClient.py');
    writeFileSync(program, LOOPING_CLIENT);
    const r = await sockshell([
      'test',
      '--timeout',
      '30',
      '--feedback',
      'student',
      '--with',
      `python3 ${program} {port}`,
      'test/grading/udp-client/transcripts/upper.sockt',
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('expected: Input lowercase sentence:HELLO CLIENT (FROM THE GRADER)');
    expect(r.stdout).toContain('got:      Input lowercase sentence:hello client (from the grader)');
    expect(r.stdout).not.toContain('no more stdout within');
    expect(r.stdout).toContain('the program: still running');
  });
});
