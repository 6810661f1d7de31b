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

/** The other way round and across families (issue of the session after trial 4: "a socket of another program" for the shell's own). */
describe("a relay's port, or an IPv4 one, held by a socket of this shell", () => {
  it.each(['udp', 'tcp'] as const)(
    '%s: a relay refused at its port names the socket of this shell there, or the other relay',
    async (transport) => {
      shell = new CoreDriver();
      const port = await freeFixedPort();
      const other = await freeFixedPort();
      const target = await freeFixedPort();
      await shell.ok(transport === 'udp' ? `v = udp.bind ${port}` : `v = tcp.listen ${port}`);
      // In the foreground, so its failure is this command's error line.
      const refused = (await shell.run(`relay ${transport} ${port} localhost ${target}`)).err;
      expect(refused).toContain(`127.0.0.1 port ${port} is already in use by v, a socket of this shell; close it, or pick another port`);
      expect((await shell.run(`relay ${transport} 127.0.0.1 ${other} localhost ${target} &`)).err).toBe('');
      await waitFor(
        () => (transport === 'udp' ? (udpHolders(other) ?? 0) > 0 : (tcpHolders(other)?.other ?? 0) > 0),
        `the relay listening on ${other}`,
      );
      const second = (await shell.run(`relay ${transport} ${other} localhost ${target}`)).err;
      expect(second).toContain(`port ${other} is already in use by the relay job %1 of this shell; kill %1 stops it`);
      await shell.run('close v');
    },
  );

  it.each(['udp', 'tcp'] as const)("%s: an IPv4 bind refused where an IPv6 socket on '::' holds the port names it", async (transport) => {
    shell = new CoreDriver();
    const port = await freeFixedPort();
    await shell.ok(transport === 'udp' ? `six = udp.bind :: ${port}` : `six = tcp.listen :: ${port}`);
    const refused = (await shell.run(transport === 'udp' ? `four = udp.bind ${port}` : `four = tcp.listen ${port}`)).err;
    expect(refused).toContain(`0.0.0.0 port ${port} is already in use by six, a socket of this shell`);
    expect(refused).not.toContain('another program');
    await shell.run('close six');
  });
});
