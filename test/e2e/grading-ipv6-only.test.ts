import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A server whose socket is IPv6 only (AF_INET6 bound to ::1, or to :: with IPV6_V6ONLY), graded with
 * the textbook's transcripts, which talk IPv4 to 127.0.0.1 (instructor trial 4): the feedback said only
 * "ETIMEDOUT: recvfrom timed out … the program: still running" (a TCP one: "start the server first",
 * though it ran). A dual-stack server (:: without IPV6_V6ONLY) takes IPv4 too, and is not told so.
 * Real python3 servers: the textbook's, with the socket line changed.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-ipv6-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UDP = new URL('../grading/udp-server/', import.meta.url);
const TCP = new URL('../grading/tcp-server/', import.meta.url);

/** The textbook's server (`file` in `from`'s textbook submission) with its edits, failing if one does not apply. */
function server(from: URL, file: string, name: string, edits: [string, string][]): string {
  let text = readFileSync(new URL(`submissions/textbook/${file}`, from), 'utf8');
  for (const [a, b] of edits) {
    expect(text).toContain(a);
    text = text.replace(a, b);
  }
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, file), text);
  return join(dir, name, file);
}

async function student(program: string, transcript: URL): Promise<string> {
  const r = await sockshell([
    'test',
    '--timeout',
    '2',
    '--feedback',
    'student',
    '--with',
    `python3 ${program} {port}`,
    transcript.pathname,
  ]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  return r.stdout;
}

const V6ONLY = 'serverSocket.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 1)\n';

describe.runIf(hasPython && process.platform === 'linux')('grading: a server IPv4 cannot reach', () => {
  it("UDP bound to ::1: told its socket is IPv6's loopback and the transcript sent to 127.0.0.1", async () => {
    const program = server(UDP, 'UDPServer.py', 'udp-loopback6', [
      ['socket(AF_INET, SOCK_DGRAM)', 'socket(AF_INET6, SOCK_DGRAM)'],
      ["bind(('', serverPort))", "bind(('::1', serverPort))"],
    ]);
    const out = await student(program, new URL('transcripts/upper.sockt', UDP));
    expect(out).toContain(
      "the program's socket on port 21212 is an IPv6 socket (AF_INET6) bound to ::1, IPv6's loopback address, so it takes IPv6 only, but the transcript sent to 127.0.0.1, an IPv4 address: the datagrams sent there reached nothing. The textbook's server makes an IPv4 socket, socket(AF_INET, SOCK_DGRAM), and binds it to '' (every IPv4 address of the host)",
    );
    expect(out).toContain('the program: still running');
  });

  it('UDP bound to :: with IPV6_V6ONLY: told the option makes it IPv6 only', async () => {
    const program = server(UDP, 'UDPServer.py', 'udp-v6only', [
      ['socket(AF_INET, SOCK_DGRAM)\n', `socket(AF_INET6, SOCK_DGRAM)\n${V6ONLY}`],
      ["bind(('', serverPort))", "bind(('::', serverPort))"],
    ]);
    const out = await student(program, new URL('transcripts/upper.sockt', UDP));
    expect(out).toContain(
      "the program's socket on port 21212 is an IPv6 socket (AF_INET6) bound to :: with IPV6_V6ONLY set, so it takes IPv6 only, but the transcript sent to 127.0.0.1, an IPv4 address",
    );
  });

  it('TCP bound to ::1: told so, not to start the server first', async () => {
    const program = server(TCP, 'TCPServer.py', 'tcp-loopback6', [
      ['socket(AF_INET, SOCK_STREAM)', 'socket(AF_INET6, SOCK_STREAM)'],
      ["bind(('', serverPort))", "bind(('::1', serverPort))"],
    ]);
    const out = await student(program, new URL('transcripts/upper.sockt', TCP));
    expect(out).toContain(
      "the program's socket on port 21213 is an IPv6 socket (AF_INET6) bound to ::1, IPv6's loopback address, so it takes IPv6 only, but the transcript connected to 127.0.0.1, an IPv4 address: the connection was refused. The textbook's server makes an IPv4 socket, socket(AF_INET, SOCK_STREAM), and binds it to '' and listens",
    );
    expect(out).not.toContain('start the server first');
    // The shell's hint for someone at the prompt ("connect to ::1 from an IPv6 socket (tcp.socket -6), o…") is not under got:.
    expect(out).toContain('got:      ECONNREFUSED: nothing is listening on localhost port 21213 (ConnectionRefusedError)\n');
  });

  it("the other way round: the textbook's IPv4 servers, and a transcript that talks to ::1", async () => {
    const ipv6 = (from: URL, name: string, edits: [string, string][]): URL => {
      let text = readFileSync(new URL('transcripts/upper.sockt', from), 'utf8');
      for (const [a, b] of edits) {
        expect(text).toContain(a);
        text = text.replaceAll(a, b);
      }
      writeFileSync(join(dir, name), text);
      return new URL(`file://${join(dir, name)}`);
    };
    const tcp = ipv6(TCP, 'tcp-to-v6.sockt', [['tcp.connect localhost', 'tcp.connect ::1']]);
    const tcpOut = await student(new URL('submissions/textbook/TCPServer.py', TCP).pathname, tcp);
    expect(tcpOut).toContain('got:      ECONNREFUSED: nothing is listening on ::1 port 21213 (ConnectionRefusedError)\n');
    expect(tcpOut).toContain(
      "the program's socket on port 21213 is an IPv4 socket (AF_INET) bound to '' (0.0.0.0, every IPv4 address of the host), so it takes IPv4 only, but the transcript connected to ::1, an IPv6 address: the connection was refused. A server that takes IPv6 makes an IPv6 socket, socket(AF_INET6, SOCK_STREAM), and binds it to '::' (every IPv6 address, and IPv4 too unless IPV6_V6ONLY is set)",
    );
    const udp = ipv6(UDP, 'udp-to-v6.sockt', [
      ['clientSocket = udp.socket\n', 'clientSocket = udp.socket -6\n'],
      ['localhost 21212', '::1 21212'],
    ]);
    const loopback4 = server(UDP, 'UDPServer.py', 'udp-loopback4', [["bind(('', serverPort))", "bind(('127.0.0.1', serverPort))"]]);
    const udpOut = await student(loopback4, udp);
    expect(udpOut).toContain(
      "the program's socket on port 21212 is an IPv4 socket (AF_INET) bound to 127.0.0.1, so it takes IPv4 only, but the transcript sent to ::1, an IPv6 address: the datagrams sent there reached nothing.",
    );
  });

  it('a dual-stack server (:: without IPV6_V6ONLY) that fails for another reason is not told about IPv6', async () => {
    const program = server(UDP, 'UDPServer.py', 'udp-dual-lower', [
      ['socket(AF_INET, SOCK_DGRAM)\n', 'socket(AF_INET6, SOCK_DGRAM)\nserverSocket.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0)\n'],
      ["bind(('', serverPort))", "bind(('::', serverPort))"],
      ['.upper()', '.lower()'],
    ]);
    const out = await student(program, new URL('transcripts/upper.sockt', UDP));
    expect(out).toContain("got:      b'hello grader'");
    expect(out).not.toContain('IPv6');
  });
});
