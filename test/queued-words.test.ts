import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/native.js';
import { topic } from '../src/explain/topics.js';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * What `sockets` calls queued is what the shell has read from the kernel (user trial: `sockets` said
 * "1 datagram (5 B)" where `ss -uanp` said Recv-Q 0, and help said ss shows "the OS view"). The words
 * say so, and this checks they are true: the kernel's Recv-Q is 0 while the shell holds the datagram.
 * A TCP listener's queued connections are the kernel's where the addon is built: ss's Recv-Q.
 */
const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0;

/** Two clients that connect and hold their connections until stdin closes. */
const TWO_CLIENTS = `
import socket, sys
held = [socket.create_connection(('127.0.0.1', int(sys.argv[1]))) for _ in range(2)]
print('connected', flush=True)
sys.stdin.read()
`;

let shell: CoreDriver | null = null;
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await shell?.close();
  shell = null;
});

describe('queued: read from the kernel into the shell', () => {
  it.runIf(hasSs)("a datagram sockets counts as queued is no longer in the kernel's receive queue", async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 'c = udp.socket', 'c.sendto hello $a');
    const port = (await shell.ok('print $a[1]')).trim();
    await waitFor(() => shell!.core.session.engine.list().some((x) => x.name === 's' && x.queued.count === 1), 'the datagram queued at s');
    expect(await shell.ok('sockets')).toMatch(/1 datagram \(5 B\)/);
    const ss = spawnSync('ss', ['-uanH', 'sport', '=', `:${port}`], { encoding: 'utf8' })
      .stdout.trim()
      .split(/\s+/);
    expect(ss.slice(0, 2)).toEqual(['UNCONN', '0']); // state, Recv-Q
  });

  it('help sockets and explain queued say so', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    const help = await shell.ok('help sockets');
    expect(help).not.toContain('the OS view');
    expect(help).toContain('Recv-Q leaves out the data the shell has read into its queue');
    expect(topic('queued')?.text).toContain('ss shows a Recv-Q of 0 while sockets shows it queued');
  });

  // A listener's queued is connections, and where the addon is built a TCP listener's are the kernel's
  // (bindreal): explain queued and help sockets said it was data the shell had read, for every socket.
  it.runIf(hasSs && hasPython && nativeCalls().calls !== null)(
    "a TCP listener's queued connections are the kernel's accept queue: ss -ltn's Recv-Q, as explain queued says",
    async () => {
      shell = new CoreDriver({ maxWaitMs: HANG_MS });
      await shell.ok('s = tcp.listen 127.0.0.1 0 5', 'a = s.getsockname');
      const port = (await shell.ok('print $a[1]')).trim();
      const clients = spawn('python3', ['-c', TWO_CLIENTS, port], { stdio: ['pipe', 'pipe', 'inherit'] });
      stops.push(() => clients.pid !== undefined && clients.exitCode === null && process.kill(clients.pid, 'SIGKILL'));
      let out = '';
      clients.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(() => out.includes('connected'), 'two clients connected');
      await waitFor(() => shell!.core.session.engine.list().some((x) => x.name === 's' && x.queued.count === 2), 'two queued at s');
      expect(await shell.ok('sockets')).toMatch(/2 to accept/);
      const ss = spawnSync('ss', ['-ltnH', 'sport', '=', `:${port}`], { encoding: 'utf8' })
        .stdout.trim()
        .split(/\s+/);
      expect(ss.slice(0, 3)).toEqual(['LISTEN', '2', '5']); // state, Recv-Q (the accept queue), Send-Q (the backlog)
      const words = topic('queued')!.text;
      expect(words).toContain('On a listening socket it is connections waiting for accept');
      expect(words).toContain('the same as ss -ltn shows as Recv-Q');
      expect(words).not.toMatch(/^What sockets counts as queued is data/);
      expect(topic('backlog')!.text).not.toContain('sockshell (Node) takes every connection from the OS at once');
    },
  );
});
