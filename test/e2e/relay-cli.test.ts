import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, PEERS, ROOT, freeFixedPort, hasPython, runProcess, startServer } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `sockshell relay` on the command line, as a developer uses it between the textbook's Python server
 * and a Python client: the replies come back byte for byte through it, a seeded loss loses the same
 * datagrams every run, and Ctrl-C stops it with its counts on stderr and status 130.
 */

/**
 * A Python client: sends each line as a datagram to the relay and prints each reply, or TIMEOUT. The
 * timeout is how a lost datagram shows, so it is waited out (twice a lossy run); 3 s, as a reply slowed
 * by a loaded machine must not pass for a lost one, and a reply to an earlier word that comes late is
 * skipped rather than printed as this word's (1.5 s and the next reply taken whatever it was, before).
 */
const CLIENT = `
import socket, sys, time
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for w in sys.argv[2:]:
    c.sendto(w.encode(), ('127.0.0.1', int(sys.argv[1])))
    deadline = time.monotonic() + 3
    while True:
        c.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            reply = c.recvfrom(2048)[0].decode()
        except TimeoutError:
            print('TIMEOUT')
            break
        if reply == w.upper():
            print(reply)
            break
`;

/** Starts `sockshell relay ARGS` and resolves once it says where it listens; stop() sends SIGINT and gives the status and stderr. */
async function relay(
  args: readonly string[],
): Promise<{ stderr: () => string; stop: () => Promise<{ status: number | null; stderr: string }> }> {
  const child = spawn(process.execPath, [CLI, 'relay', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  // 'close', not 'exit': at 'exit' the last of stdout and stderr may still be in their pipes.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor(
    () => stderr.includes('# relaying') || child.exitCode !== null,
    () => `the relay to start; stderr=${stderr}`,
  );
  return {
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGINT');
      const status = await exited;
      expect(stdout).toBe(''); // a relay's bytes go to its sockets, never to standard output
      return { status, stderr };
    },
  };
}

describe.runIf(hasPython)('sockshell relay between Python programs', () => {
  it('relays the replies whole, loses the same datagrams for the same seed, and stops on Ctrl-C', async () => {
    const port = await freeFixedPort();
    const server = await startServer('python3', [`${PEERS}UDPServer.py`, String(port)], 'ready to receive');
    try {
      const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
      const cleanPort = await freeFixedPort();
      const clean = await relay(['udp', String(cleanPort), '127.0.0.1', String(port)]);
      const replies = await runProcess('python3', ['-c', CLIENT, String(cleanPort), ...words]);
      expect(replies.stdout).toBe(words.map((w) => `${w.toUpperCase()}\n`).join(''));
      const stopped = await clean.stop();
      expect(stopped.status).toBe(130);
      expect(stopped.stderr).toMatch(/# relay stopped: to the target 6 datagrams; back 6 datagrams; 1 client\n/);

      const through = await freeFixedPort();
      const lossy = async (): Promise<{ replies: string; stderr: string }> => {
        const r = await relay(['udp', String(through), '127.0.0.1', String(port), '--loss', '30', '--seed', '7']);
        const client = await runProcess('python3', ['-c', CLIENT, String(through), ...words]);
        const { status, stderr } = await r.stop();
        expect(status).toBe(130);
        return { replies: client.stdout, stderr };
      };
      const first = await lossy();
      const second = await lossy();
      // Seed 7 loses the second request and the third reply (as in test/transcripts/relay-udp-loss.sockt).
      expect(first.replies.split('\n')).toEqual(['ALPHA', 'TIMEOUT', 'TIMEOUT', 'DELTA', 'ECHO', 'FOXTROT', '']);
      expect(second.replies).toBe(first.replies);
      const lost = (s: string) => s.split('\n').filter((l) => l.includes('lost datagram'));
      expect(lost(second.stderr).map((l) => l.replace(/\d{5}/g, 'P'))).toEqual(lost(first.stderr).map((l) => l.replace(/\d{5}/g, 'P')));
      expect(first.stderr).toMatch(/# relay stopped: to the target 6 datagrams \(\d+ lost\); back \d+ datagrams \(\d+ lost\); 1 client/);
    } finally {
      await server.stop();
    }
  });

  it('refuses an option of the other transport as a usage error (status 2), with a caret under it', async () => {
    const { status, stderr } = await runProcess(process.execPath, [CLI, 'relay', 'tcp', '0', '127.0.0.1', '9', '--loss', '5']);
    expect(status).toBe(2);
    expect(stderr).toBe(
      [
        'sockshell relay: --loss is not for a TCP relay (it takes --delay, --rate)',
        '  relay tcp 0 127.0.0.1 9 --loss 5',
        '                          ^^^^^^^^',
        '',
      ].join('\n'),
    );
  });

  it('refuses an option value that is not one (--loss abc) before it listens, with a caret under it', async () => {
    const { status, stderr } = await runProcess(process.execPath, [CLI, 'relay', 'udp', '0', '127.0.0.1', '9', '--loss', 'abc']);
    expect(status).toBe(2);
    expect(stderr).toBe(
      [
        "sockshell relay: expected a percentage from 0 to 100, got 'abc'",
        '  relay udp 0 127.0.0.1 9 --loss abc',
        '                                 ^^^',
        '',
      ].join('\n'),
    );
  });

  it('--log FILE writes what crosses, both ways, as a hex dump with time and addresses (socat -v -x)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-relay-log-'));
    const server = createServer((c) => c.on('data', (d) => c.end(d.toString().toUpperCase())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = (server.address() as { port: number }).port;
    try {
      const log = join(dir, 'relay.log');
      const r = await relay(['--log', log, 'tcp', '0', '127.0.0.1', String(target)]);
      const port = Number(/relaying TCP from \('127\.0\.0\.1', (\d+)\)/.exec(r.stderr())![1]);
      const reply = await new Promise<string>((resolve, reject) => {
        let got = '';
        const c = tcpConnect(port, '127.0.0.1', () => c.write('hello\x1b[31m\n'));
        c.on('data', (d: Buffer) => (got += d.toString()));
        c.on('end', () => resolve(got));
        c.on('error', reject);
      });
      expect(reply).toBe('HELLO\x1b[31M\n');
      await waitFor(
        () => /closed: 11 bytes to the target, 11 bytes back/.test(r.stderr()),
        () => r.stderr(),
      );
      expect((await r.stop()).status).toBe(130);
      const lines = readFileSync(log, 'utf8').split('\n');
      const shown = lines.map((l) => l.replace(/^(.) \S+Z/, '$1 TIME').replace(/:\d+\b/g, ':P'));
      // The bytes each way, then each side's FIN as it passed: the server's after its reply, then the client's.
      expect(shown.filter((l) => /^[<>] /.test(l))).toEqual([
        '> TIME relay 127.0.0.1:P > 127.0.0.1:P TCP 11 bytes',
        '< TIME relay 127.0.0.1:P < 127.0.0.1:P TCP 11 bytes',
        '< TIME relay FIN from 127.0.0.1:P, passed on to 127.0.0.1:P',
        '> TIME relay FIN from 127.0.0.1:P, passed on to 127.0.0.1:P',
      ]);
      expect(shown.filter((l) => l.startsWith('  00000000  '))).toEqual([
        expect.stringMatching(/^ {2}00000000 {2}68 65 6c 6c 6f 1b 5b 33 {2}31 6d 0a +\|hello\.\[31m\.\|$/),
        expect.stringMatching(/^ {2}00000000 {2}48 45 4c 4c 4f 1b 5b 33 {2}31 4d 0a +\|HELLO\.\[31M\.\|$/),
      ]);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
