/**
 * A port one of the shell's own relay jobs holds is named as that job's when a bind of the shell is
 * refused there, with how to stop it, not blamed on "another program"; once the job is killed, the
 * bind works.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tcpHolders, udpHolders } from '../src/engine/index.js';
import { CoreDriver } from './helpers/core-driver.js';
import { freeFixedPort } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.run('kill %1');
  shell = null;
});

describe('a port held by a relay job of this shell', () => {
  it.each(['udp', 'tcp'] as const)('%s: the refused bind names the relay job', async (transport) => {
    shell = new CoreDriver();
    const port = await freeFixedPort();
    const target = await freeFixedPort();
    expect((await shell.run(`relay ${transport} 127.0.0.1 ${port} localhost ${target} &`)).err).toBe('');
    await waitFor(
      () => (transport === 'udp' ? (udpHolders(port) ?? 0) > 0 : (tcpHolders(port)?.other ?? 0) > 0),
      `the relay listening on ${port}`,
    );
    const bind = transport === 'udp' ? `z = udp.bind 127.0.0.1 ${port}` : `z = tcp.listen 127.0.0.1 ${port}`;
    const refused = (await shell.run(bind)).err;
    expect(refused).toContain(`port ${port} is already in use by the relay job %1 of this shell; kill %1 stops it`);
    expect(refused).not.toContain('another program');
    await shell.run('kill %1');
    await waitFor(
      () => (transport === 'udp' ? (udpHolders(port) ?? 0) === 0 : (tcpHolders(port)?.other ?? 0) === 0),
      `the relay gone from ${port}`,
    );
    expect((await shell.run(bind)).err).toBe('');
    await shell.run('close z');
  });
});
