/**
 * What the kernel dropped for a UDP socket (its receive buffer full before the shell read) is shown
 * by sockets and explain, apart from the shell's own queue's drops, and agrees with ss -uanm's d…
 * count. The shell is kept from reading while python3 sends, by sending from spawnSync (which
 * holds this process's event loop): the kernel must drop what does not fit in the buffer.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { freeFixedPort, hasPython } from './helpers/proc.js';

const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0;
let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.run('close z');
  shell = null;
});

/** The kernel's drop count of the UDP socket on 127.0.0.1:port, as ss shows it (skmem d…). */
function ssDrops(port: number): number {
  const out = spawnSync('ss', ['-uanm', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  const d = /skmem:\([^)]*\bd(\d+)\)/.exec(out);
  if (d === null) throw new Error(`ss shows no socket on ${port}: ${out}`);
  return Number(d[1]);
}

describe.skipIf(!hasPython || !hasSs || process.platform !== 'linux')("the kernel's UDP drops", () => {
  it('sockets and explain say what the kernel dropped, as ss counts it, apart from the shell queue', async () => {
    shell = new CoreDriver();
    const port = await freeFixedPort();
    expect((await shell.run(`z = udp.bind 127.0.0.1 ${port}`)).err).toBe('');
    const sent = spawnSync(
      'python3',
      [
        '-c',
        `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(20000): s.sendto(b'x' * 20, ('127.0.0.1', ${port}))`,
      ],
      { timeout: 60_000 },
    );
    expect(sent.status).toBe(0);
    const kernel = ssDrops(port);
    expect(kernel).toBeGreaterThan(0); // 20,000 datagrams do not fit in the default buffer
    const table = (await shell.run('sockets')).out;
    expect(table).toContain(`dropped: ${kernel} by the kernel`);
    expect(table).not.toContain("by the shell's queue"); // nothing reached the shell's queue past its cap
    const explained = (await shell.run('explain')).out;
    expect(explained).toContain(`z: the kernel dropped ${kernel} datagrams so far`);
    expect(explained).toContain('dropped: A receive queue was full');
    // A recvfrom at the prompt warns of them once, as news; the next one has none to tell.
    expect((await shell.run('m = z.recvfrom 100')).err).toContain(`z: the kernel dropped ${kernel} datagrams so far`);
    expect((await shell.run('m = z.recvfrom 100')).err).not.toContain('the kernel dropped');
  });
});
