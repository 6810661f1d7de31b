import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A UDP client graded with the TCP client's transcript (instructor trials 4–6): the textbook's
 * UDPClient asks for its line (input()) before it sends anything, and the transcript types the line
 * only after its accept, which waited out the whole --timeout and then said "nothing reached port
 * 21215 … if it sent anything, it sent it elsewhere (does it read its port from its arguments?)".
 * Now the wait ends once the program is seen asleep in read(0) (Linux's /proc/PID/task/TID/syscall),
 * and the words say so. Real python3; --timeout 30, so the old ending reads ETIMEDOUT after 30 s.
 */
const UDP_CLIENT = new URL('../grading/udp-client/submissions/textbook/UDPClient.py', import.meta.url).pathname;
const TCP_CLIENT = new URL('../grading/tcp-client/submissions/textbook/TCPClient.py', import.meta.url).pathname;
const TCP_TRANSCRIPT = new URL('../grading/tcp-client/transcripts/upper.sockt', import.meta.url).pathname;

const UDP_TRANSCRIPT = new URL('../grading/udp-client/transcripts/upper.sockt', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sockshell-input-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const test = (program: string) =>
  sockshell(['test', '--timeout', '30', '--feedback', 'student', '--with', `python3 ${program} {port}`, TCP_TRANSCRIPT]);

describe.runIf(hasPython && process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch))(
  'grading: a client that waits in input() for a line the transcript types later',
  () => {
    it('is told so, without waiting out --timeout', async () => {
      const r = await test(UDP_CLIENT);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain(
        'got:      (the program is waiting for a line on its standard input (input()), so nothing more could come to this call)\n',
      );
      expect(r.stdout).toContain(
        "nothing reached port 21215: the program asked for a line (input()) before it connected or sent anything, and this transcript types it only at line 12 (program> stdin hello client), after this one. The textbook's TCPClient connects first and then asks for its line; its UDPClient asks first\n",
      );
      expect(r.stdout).not.toContain('ETIMEDOUT');
    });

    it('the TCP client, which connects first and then waits in input(), still passes', async () => {
      const r = await test(TCP_CLIENT);
      expect(r.stdout + r.stderr).toContain('1 passed, 0 failed');
    });

    // A `program> stdout` or `program> wait` line while the program sits in input() waited out --timeout
    // (instructor trial 7: 32 s at --timeout 30), though nothing can come before the transcript types a line.
    it('a stdout check is told so, without waiting out --timeout', async () => {
      const forgot = join(dir, 'forgot-stdin.sockt');
      const text = readFileSync(UDP_TRANSCRIPT, 'utf8');
      // The transcript's own mistake: it checks the client's output before it types the client's line.
      writeFileSync(forgot, text.replace('  program> stdin hello client\n', '  program> stdout\n  Input lowercase sentence:hello\n'));
      const r = await sockshell(['test', '--timeout', '30', '--feedback', 'student', '--with', `python3 ${UDP_CLIENT} {port}`, forgot]);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain(
        'got:      (the program is waiting for a line on its standard input (input()), so nothing more could come to its stdout)\n',
      );
      expect(r.stdout).not.toContain('within 30 s');
    });

    it('a wait for its end is told so: a client that asks for another line after the reply', async () => {
      const looping = join(dir, 'LoopClient.py');
      const text = readFileSync(UDP_CLIENT, 'utf8');
      const from = "message = input('Input lowercase sentence:')";
      expect(text).toContain(from);
      // A loop the assignment did not ask for: it prints the reply, then asks again.
      const body = text.slice(text.indexOf(from)).replace('clientSocket.close()', '').trimEnd();
      writeFileSync(looping, `${text.slice(0, text.indexOf(from))}while True:\n${body.replace(/^/gm, '    ')}\n`);
      const r = await sockshell([
        'test',
        '--timeout',
        '30',
        '--feedback',
        'student',
        '--with',
        `python3 ${looping} {port}`,
        UDP_TRANSCRIPT,
      ]);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain('expected: exit status 0\n');
      expect(r.stdout).toContain('got:      (the program is waiting for a line on its standard input (input()), so it could not end)\n');
    });
  },
);
