import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * The summary table's and the CSV's reason for a program that ended says what happened (instructor
 * trial 4): a typo that raised AttributeError, a UDP server that replied with send(), and a TCP server
 * graded as the UDP one all read "got (the program ended (exit status 1), so nothing more could come
 * to this call)", and an instructor had to open each FAIL block to tell them apart. Three real python3
 * submissions, each the textbook's UDPServer.py with one mistake, graded with its upper.sockt.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-causes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXTBOOK = readFileSync(new URL('../grading/udp-server/submissions/textbook/UDPServer.py', import.meta.url), 'utf8');

/** The textbook's server with `from` replaced by `to`, failing the test if `from` is not in it. */
function mistake(name: string, edits: [string, string][]): void {
  let text = TEXTBOOK;
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  mkdirSync(join(dir, 'subs', name), { recursive: true });
  writeFileSync(join(dir, 'subs', name, 'UDPServer.py'), text);
}

describe.runIf(hasPython && process.platform === 'linux')('grade: the first failure says how the program ended', () => {
  it('a crash, send() on UDP and a TCP socket each get their own reason in the CSV and the table', async () => {
    mistake('typo', [['.upper()', '.uper()']]);
    mistake('recv-send', [
      ['message, clientAddress = serverSocket.recvfrom(2048)', 'message = serverSocket.recv(2048)'],
      ['serverSocket.sendto(modifiedMessage.encode(), clientAddress)', 'serverSocket.send(modifiedMessage.encode())'],
    ]);
    mistake('tcp', [['SOCK_DGRAM', 'SOCK_STREAM']]);
    const csv = join(dir, 'grades.csv');
    const transcript = join(dir, 'upper.sockt');
    writeFileSync(transcript, readFileSync(new URL('../grading/udp-server/transcripts/upper.sockt', import.meta.url)));
    const r = await sockshell([
      'grade',
      '--timeout',
      '2',
      '--csv',
      csv,
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      join(dir, 'subs'),
      transcript,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const read = await runProcess('python3', [
      '-c',
      'import csv, json, sys; print(json.dumps({r["student"]: r["reason"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}))',
      csv,
    ]);
    expect(read.status, read.stderr).toBe(0);
    const reasons = JSON.parse(read.stdout) as Record<string, string>;
    const at = 'upper.sockt: at line 11: modifiedMessage, serverAddress = clientSocket.recvfrom 2048: expected (nothing more); ';
    expect(reasons).toEqual({
      'recv-send': `${at}the program stopped at send() with "Destination address required": UDP is connectionless, so a UDP socket has no peer to send to, and send() names none`,
      tcp: `${at}the program stopped with "Transport endpoint is not connected": its socket is a TCP socket (SOCK_STREAM), which receives only on a connection, but the transcript sends it UDP datagrams`,
      typo: `${at}the program ended (exit status 1) with AttributeError: 'str' object has no attribute 'uper'. Did you mean: 'upper'?`,
    });
    // The table says the same, over the lines of its cell.
    const table = r.stdout.split('\n').filter((l) => l.startsWith('│'));
    const typo = table.findIndex((l) => l.startsWith('│ typo '));
    expect(typo).toBeGreaterThan(0);
    const cell: string[] = [];
    for (let i = typo; i < table.length && (i === typo || /^│ +│/.test(table[i]!)); i++) cell.push(table[i]!.split('│').at(-2)!.trim());
    expect(cell.join(' ')).toContain("with AttributeError: 'str' object has no attribute 'uper'.");
  });
  it("the standard error's last lines start at a traceback's frame, not on a line of carets (instructor trial 6)", async () => {
    // The textbook's TCPServer.py closing its welcoming socket after the first client: accept() raises
    // OSError [Errno 9], and the last 5 lines of Python 3.11's traceback began with a lone `^^^^` line.
    const tcp = readFileSync(new URL('../grading/tcp-server/submissions/textbook/TCPServer.py', import.meta.url), 'utf8');
    expect(tcp).toContain('    connectionSocket.close()\n');
    const program = join(dir, 'closes-welcome', 'TCPServer.py');
    mkdirSync(join(dir, 'closes-welcome'), { recursive: true });
    writeFileSync(program, tcp.replace('    connectionSocket.close()\n', '    connectionSocket.close()\n    serverSocket.close()\n'));
    const transcript = new URL('../grading/tcp-server/transcripts/upper.sockt', import.meta.url).pathname;
    const r = await sockshell(['test', '--timeout', '30', '--feedback', 'student', '--with', `python3 ${program} {port}`, transcript]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const tail = r.stdout.split('its standard error ended with:\n')[1]?.split('\n') ?? [];
    expect(tail[0], r.stdout).toMatch(/^ {10}(Traceback|\s*File ")/);
    expect(r.stdout).toContain('OSError: [Errno 9] Bad file descriptor');
  });
});
