/**
 * A peer's lane says what the session saw of that address, never more: a live peer outside the shell
 * only once something came back from it; an address where the OS said nothing is bound (ICMP port
 * unreachable, once the socket learnt of it); else only a destination. A relay's lanes are the
 * shell's own relay job's, not an outsider's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closedTcpPort, closedUdpPort } from './engine-helpers.js';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS, waitFor } from './helpers/wait.js';
import { freeFixedPort } from './helpers/proc.js';
import { udpHolders } from '../src/engine/index.js';

let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

/** The subtitle under each lane of `diagram --mermaid`, by the lane's title. */
const subtitles = (mermaid: string): Record<string, string> =>
  Object.fromEntries([...mermaid.matchAll(/participant p\d+ as ([^<\n]+)<br\/>(.*)/g)].map((m) => [m[1]!, m[2]!]));

describe('diagram: peer lanes', () => {
  it('a datagram to a port nobody bound is drawn to a destination, not a live peer', async () => {
    const port = await closedUdpPort();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('c = udp.socket', `c.sendto hello localhost ${port}`);
    const lanes = subtitles(await shell.ok('diagram --mermaid'));
    expect(lanes[`127.0.0.1:${port}`]).toBe('a destination: nothing came back (localhost)');
  });

  it('once the socket learns of the ICMP port unreachable, the lane says nothing is bound there', async () => {
    const port = await closedUdpPort();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('c = udp.socket', `c.connect localhost ${port}`, 'c.send hi');
    await shell.run('c.recv 10'); // ECONNREFUSED: the ICMP came back
    const mermaid = await shell.ok('diagram --mermaid');
    expect(subtitles(mermaid)[`127.0.0.1:${port}`]).toBe('nothing bound there: ICMP port unreachable (localhost)');
    expect(mermaid).toContain('p1-->>p0: ICMP port unreachable (ECONNREFUSED)');
  });

  it('a TCP connect refused: the lane says nothing listens there', async () => {
    const port = await closedTcpPort();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    expect((await shell.run(`t = tcp.connect 127.0.0.1 ${port}`)).err).toContain('ECONNREFUSED');
    const lanes = subtitles(await shell.ok('diagram --mermaid'));
    expect(lanes[`127.0.0.1:${port}`]).toBe('nothing listens there: RST');
  });

  it("a relay's lane is titled as this shell's relay job", async () => {
    const target = await closedUdpPort();
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(`r = udp.bind 127.0.0.1 ${target}`);
    const port = await freeFixedPort();
    await shell.run(`relay udp 127.0.0.1 ${port} 127.0.0.1 ${target} &`);
    await waitFor(() => (udpHolders(port) ?? 0) > 0, 'the relay listening');
    await shell.ok('c = udp.socket', `c.sendto x 127.0.0.1 ${port}`, 'm = r.recvfrom 10');
    await shell.run('kill %1');
    const lanes = subtitles(await shell.ok('diagram c --mermaid'));
    expect(lanes[`127.0.0.1:${port}`]).toBe(`this shell's relay job %1 to 127.0.0.1:${target}`);
  });
});
