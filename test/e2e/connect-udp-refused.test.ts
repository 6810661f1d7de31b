import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { CLI, freeFixedPort, ROOT } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `sockshell connect -u` and a UDP server that stops and starts again (newuser trial 3, finding 9).
 * Run side by side (newuser trial 4): OpenBSD nc -u ends at the ICMP port unreachable with status 0
 * and says nothing, the lines typed after it unsent; socat ends with status 1 ("E read(5, …):
 * Connection refused"). sockshell ended as socat. UDP has no connection for the ICMP error to end,
 * and the socket stays usable (Python's next send after its ConnectionRefusedError goes out): the
 * stream carries on, a `#` line tells the ICMP error, the server started again answers, and the
 * status is 1 at the end, as a datagram went nowhere.
 *
 * The server is the textbook's UDPServer done in this process: python3's, stopped and started again
 * between two lines, took more than -w 2 under load (iteration 1 of suite trial 6's loop: connect had
 * ended idle before the third line). This one binds and closes at once, and -w is 10: it ends the run
 * at the end, and no step before it comes near it.
 */
async function udpServer(port: number): Promise<{ stop: () => Promise<void> }> {
  const s = createSocket('udp4');
  s.on('message', (m, from) => s.send(Buffer.from(m.toString().toUpperCase()), from.port, from.address));
  await new Promise<void>((resolve) => s.bind(port, '127.0.0.1', resolve));
  return { stop: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

describe('connect -u through an ICMP port unreachable', () => {
  it('tells the ICMP error, carries on, and the restarted server answers the next line', async () => {
    const port = await freeFixedPort();
    let server = await udpServer(port);
    let stopped = false;
    const child = spawn(process.execPath, [CLI, 'connect', '-u', '-w', '10', '127.0.0.1', String(port)], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // 'close', not 'exit': at 'exit' the last of stdout and stderr may still be in their pipes.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      child.stdin.write('one\n');
      await waitFor(
        () => out === 'ONE\n',
        () => `the first reply; out=${out} err=${err}`,
      );
      await server.stop();
      stopped = true;
      child.stdin.write('two\n');
      await waitFor(
        () => /port unreachable/.test(err) || child.exitCode !== null,
        () => `the ICMP error told; err=${err}`,
      );
      expect(child.exitCode, err).toBeNull();
      expect(err).toMatch(/# .*ICMP port unreachable.*carrying on/);
      server = await udpServer(port);
      stopped = false;
      child.stdin.write('three\n');
      await waitFor(
        () => out === 'ONE\nTHREE\n' || child.exitCode !== null,
        () => `the restarted server's reply; out=${out} err=${err}`,
      );
      expect(out).toBe('ONE\nTHREE\n');
      child.stdin.end();
      // -w 10: ten seconds with nothing either way end it; a datagram went nowhere, so the status says so.
      expect(await exited).toBe(1);
      expect(err).toMatch(
        /# nothing either way for 10 s \(-w\): closed; sent 14 bytes, received 10 bytes; 1 datagram came back as ICMP port unreachable/,
      );
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      if (!stopped) await server.stop();
    }
  });
});
