import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Trial 8: `c.sendall 'PING\r\n'`, written as in Python, sent a backslash and an r, a backslash and an
 * n (single quotes are literal); a line server waited for the line's end and the recvline after it
 * waited silently. The first such payload now warns; a double-quoted one is CR LF and says nothing.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function keeper(): Promise<{ port: number; got: () => string }> {
  let got = '';
  const server: Server = createServer((c) => {
    c.on('data', (d: Buffer) => (got += d.toString('latin1')));
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, got: () => got };
}

describe("a single-quoted payload with Python's escapes in it", () => {
  it('warns once that they went as typed, and how to send CR LF; double quotes say nothing', async () => {
    const peer = await keeper();
    const d = new CoreDriver();
    cleanup.push(() => d.close());
    await d.ok(`c = tcp.connect 127.0.0.1 ${peer.port}`);
    const double = await d.run('c.sendall "PING\\r\\n"');
    expect(double.err).toBe('');
    const single = await d.run("c.sendall 'PING\\r\\n'");
    expect(single.err).toContain(
      'warning: \\r went as typed, a backslash then r (single quotes are literal, as in a Unix shell); ' +
        `for what Python's '\\r' means, write the payload in double quotes: "PING\\r\\n"`,
    );
    expect((await d.run("c.sendall 'x\\x41'")).err).toBe(''); // once a session
    await waitFor(
      () => peer.got().length === 6 + 8 + 5,
      () => `every byte at the peer (${JSON.stringify(peer.got())})`,
    );
    expect(peer.got()).toBe('PING\r\nPING\\r\\nx\\x41');
  });
});
