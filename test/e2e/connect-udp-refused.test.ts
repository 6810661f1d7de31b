import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, freeFixedPort, hasPython, PEERS, ROOT, startServer } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `sockshell connect -u` and a UDP server that stops and starts again (newuser trial 3, finding 9).
 * Run side by side (newuser trial 4): OpenBSD nc -u ends at the ICMP port unreachable with status 0
 * and says nothing, the lines typed after it unsent; socat ends with status 1 ("E read(5, …):
 * Connection refused"). sockshell ended as socat. UDP has no connection for the ICMP error to end,
 * and the socket stays usable (Python's next send after its ConnectionRefusedError goes out): the
 * stream carries on, a `#` line tells the ICMP error, the server started again answers, and the
 * status is 1 at the end, as a datagram went nowhere.
 */
describe.runIf(hasPython)('connect -u through an ICMP port unreachable', () => {
  it('tells the ICMP error, carries on, and the restarted server answers the next line', async () => {
    const port = await freeFixedPort();
    const udpServer = () => startServer('python3', [join(PEERS, 'UDPServer.py'), String(port)], 'ready to receive');
    let server = await udpServer();
    const child = spawn(process.execPath, [CLI, 'connect', '-u', '-w', '2', '127.0.0.1', String(port)], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      child.stdin.write('one\n');
      await waitFor(
        () => out === 'ONE\n',
        () => `the first reply; out=${out} err=${err}`,
      );
      await server.stop();
      child.stdin.write('two\n');
      await waitFor(
        () => /port unreachable/.test(err) || child.exitCode !== null,
        () => `the ICMP error told; err=${err}`,
      );
      expect(child.exitCode, err).toBeNull();
      expect(err).toMatch(/# .*ICMP port unreachable.*carrying on/);
      server = await udpServer();
      child.stdin.write('three\n');
      await waitFor(
        () => out === 'ONE\nTHREE\n' || child.exitCode !== null,
        () => `the restarted server's reply; out=${out} err=${err}`,
      );
      expect(out).toBe('ONE\nTHREE\n');
      child.stdin.end();
      // -w 2: two seconds with nothing either way end it; a datagram went nowhere, so the status says so.
      expect(await exited).toBe(1);
      expect(err).toMatch(
        /# nothing either way for 2 s \(-w\): closed; sent 14 bytes, received 10 bytes; 1 datagram came back as ICMP port unreachable/,
      );
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      await server.stop();
    }
  });
});
