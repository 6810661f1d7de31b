import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A server that made the other kind of socket than its assignment's (instructor trial 3, finding 1):
 * the textbook's point is SOCK_STREAM against SOCK_DGRAM, and the feedback said only that no reply
 * came in --timeout (a TCP server graded as the UDP one, still running), or "start the server first"
 * (a UDP server graded as the TCP one, while it ran). Real python3 submissions, graded with the
 * transcripts of test/grading.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-transport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UDP_SERVER = 'test/grading/udp-server/submissions/textbook/UDPServer.py';
const TCP_SERVER = 'test/grading/tcp-server/submissions/textbook/TCPServer.py';
const UDP_TRANSCRIPT = 'test/grading/udp-server/transcripts/upper.sockt';
const TCP_TRANSCRIPT = 'test/grading/tcp-server/transcripts/upper.sockt';

function submission(name: string, text: string): string {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'server.py'), text);
  return join(dir, name, 'server.py');
}

/**
 * --timeout is what the first case measures (no reply ever comes: 2 s, waited out); in the others it is
 * only a bound, as a reply or the program's end ends each wait: 30 s. --ready-timeout is a bound in all
 * four (each program binds, or ends): at load 15 the default 5 s ran out before python3's SOCK_STREAM
 * server had reached its ENOTCONN, and the run said it never bound its port (suite trial 6's loop).
 */
async function student(program: string, transcript: string, timeout = '30'): Promise<string> {
  const r = await sockshell([
    'test',
    '--ready-timeout',
    '60',
    '--timeout',
    timeout,
    '--feedback',
    'student',
    '--with',
    `python3 ${program} {port}`,
    transcript,
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  return r.stdout;
}

describe.runIf(hasPython && process.platform === 'linux')('grading: a server of the other transport is told so', () => {
  it('a TCP server graded as the UDP server: its socket is SOCK_STREAM, the datagrams reach nothing', async () => {
    const out = await student(submission('tcp-as-udp', readFileSync(TCP_SERVER, 'utf8')), UDP_TRANSCRIPT, '2');
    expect(out).toContain(
      "the program's socket on port 21212 is a TCP socket (SOCK_STREAM), listening for connections, but the transcript sends it UDP datagrams",
    );
    expect(out).toContain('A UDP server makes its socket with socket(AF_INET, SOCK_DGRAM)');
    expect(out).toContain('the program: still running');
  });

  it('a UDP server with SOCK_STREAM, ended by ENOTCONN at recvfrom: its traceback says what its socket was', async () => {
    const text = readFileSync(UDP_SERVER, 'utf8');
    expect(text).toContain('SOCK_DGRAM');
    const out = await student(submission('stream-udp', text.replace('SOCK_DGRAM', 'SOCK_STREAM')), UDP_TRANSCRIPT);
    expect(out).toContain(
      'the program stopped with "Transport endpoint is not connected": its socket is a TCP socket (SOCK_STREAM), which receives only on a connection, but the transcript sends it UDP datagrams',
    );
  });

  it('a UDP server graded as the TCP server: its socket is SOCK_DGRAM, and it is not told to start first', async () => {
    const out = await student(submission('udp-as-tcp', readFileSync(UDP_SERVER, 'utf8')), TCP_TRANSCRIPT);
    expect(out).toContain(
      "the program's socket on port 21213 is a UDP socket (SOCK_DGRAM), but the transcript connects to it over TCP: no TCP socket listens on that port, so the connection is refused",
    );
    expect(out).toContain('ECONNREFUSED: nothing is listening on localhost port 21213 (ConnectionRefusedError)');
    expect(out).not.toContain('start the server first');
  });

  it('the right kind of socket hears nothing of it', async () => {
    const text = readFileSync(UDP_SERVER, 'utf8').replace('.upper()', '.lower()');
    const out = await student(submission('lower', text), UDP_TRANSCRIPT);
    expect(out).toContain("got:      b'hello grader'");
    expect(out).not.toContain('SOCK_');
  });
});
