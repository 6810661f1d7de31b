import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * Programs that treat UDP as if it had connections (instructor trial 4, findings 1 and 4): a UDP
 * server that replies with send() where recvfrom's address was needed, a UDP client that sends with
 * send() and no address, and a TCP client graded as the UDP client. Before, the first showed only its
 * traceback, and the other two were asked whether they read their port from their arguments, which
 * they did. Real python3 submissions, graded with the transcripts of test/grading.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-connectionless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UDP_SERVER = 'test/grading/udp-server/submissions/textbook/UDPServer.py';
const UDP_CLIENT = 'test/grading/udp-client/submissions/textbook/UDPClient.py';
const TCP_CLIENT = 'test/grading/tcp-client/submissions/textbook/TCPClient.py';
const UDP_SERVER_TRANSCRIPT = 'test/grading/udp-server/transcripts/upper.sockt';
const UDP_CLIENT_TRANSCRIPT = 'test/grading/udp-client/transcripts/upper.sockt';

function submission(name: string, text: string): string {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'program.py'), text);
  return join(dir, name, 'program.py');
}

/** `text` with `from` replaced by `to`, failing the test if `from` is not in it (a check that could not fail otherwise). */
function edited(path: string, from: string, to: string): string {
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  return text.replace(from, to);
}

async function student(program: string, transcript: string): Promise<string> {
  // --timeout is a bound: each program here ends, and a line's wait ends with it (2 s was too short for
  // Python's start-up at load 15 in the fresh-clone CI: 'still running').
  const r = await sockshell(['test', '--timeout', '30', '--feedback', 'student', '--with', `python3 ${program} {port}`, transcript]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  return r.stdout;
}

describe.runIf(hasPython && process.platform === 'linux')('grading: UDP used as if it had connections', () => {
  it('a UDP server that replies with send(): told that recvfrom gives the address the reply needs', async () => {
    const text = edited(UDP_SERVER, 'message, clientAddress = serverSocket.recvfrom(2048)', 'message = serverSocket.recv(2048)').replace(
      'serverSocket.sendto(modifiedMessage.encode(), clientAddress)',
      'serverSocket.send(modifiedMessage.encode())',
    );
    const out = await student(submission('recv-send', text), UDP_SERVER_TRANSCRIPT);
    expect(out).toContain('OSError: [Errno 89] Destination address required');
    expect(out).toContain(
      'the program stopped at send() with "Destination address required": UDP is connectionless, so a UDP socket has no peer to send to, and send() names none',
    );
    expect(out).toContain("a UDP server learns each client's address from recvfrom (message, clientAddress = serverSocket.recvfrom(2048))");
    expect(out).not.toContain('does it read its port');
  });

  it('a UDP client that sends with send(): told to name the server in sendto, not asked about its port', async () => {
    const text = edited(
      UDP_CLIENT,
      'clientSocket.sendto(message.encode(), (serverName, serverPort))',
      'clientSocket.send(message.encode())',
    );
    const out = await student(submission('client-send', text), UDP_CLIENT_TRANSCRIPT);
    expect(out).toContain(
      'the program stopped at send() with "Destination address required": UDP is connectionless, so a UDP socket has no peer to send to, and send() names none',
    );
    expect(out).toContain(
      'a UDP client names the server in every datagram: clientSocket.sendto(message.encode(), (serverName, serverPort))',
    );
    expect(out).not.toContain('does it read its port');
  });

  it('a TCP client graded as the UDP client: told it connected over TCP to a UDP server', async () => {
    const out = await student(submission('tcp-client', readFileSync(TCP_CLIENT, 'utf8')), UDP_CLIENT_TRANSCRIPT);
    expect(out).toContain('ConnectionRefusedError');
    expect(out).toContain(
      "the program's connect() was refused: it made a TCP socket (SOCK_STREAM), but the transcript's server on port 21214 is a UDP socket (SOCK_DGRAM), and nothing listens for TCP connections there",
    );
    expect(out).toContain('A UDP client makes its socket with socket(AF_INET, SOCK_DGRAM) and sends with sendto(), with no connect()');
    expect(out).not.toContain('does it read its port');
  });
});
