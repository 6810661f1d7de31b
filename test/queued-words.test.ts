import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { topic } from '../src/explain/topics.js';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * What `sockets` calls queued is what the shell has read from the kernel (user trial: `sockets` said
 * "1 datagram (5 B)" where `ss -uanp` said Recv-Q 0, and help said ss shows "the OS view"). The words
 * say so, and this checks they are true: the kernel's Recv-Q is 0 while the shell holds the datagram.
 */
const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0;

let shell: CoreDriver | null = null;
afterEach(async () => {
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
    expect(help).toContain('Recv-Q leaves out what the shell has read into its queue');
    expect(topic('queued')?.text).toContain('ss shows a Recv-Q of 0 while sockets shows it queued');
  });
});
