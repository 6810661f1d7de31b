/**
 * shutdown at the prompt says what it sent, as close does (user trial 5: `shutdown wr` said nothing).
 * Each way is checked against a real connection: wr (the peer may still send), wr after the peer's
 * FIN, and rdwr, where what the peer meets next depends on what it sends (Linux resets a connection
 * that gets data after SHUT_RD), so nothing is said of it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A listener that holds its connections (allowHalfOpen): `end` closes them from its side. */
async function peer(): Promise<{ port: number; conns: Socket[] }> {
  const conns: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (c) => conns.push(c));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    for (const c of conns) c.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, conns };
}

async function shell(port: number): Promise<CoreDriver> {
  const d = new CoreDriver();
  cleanup.push(() => d.close());
  await d.ok(`c = tcp.connect 127.0.0.1 ${port}`);
  return d;
}

describe('shutdown says what it sent', () => {
  it('wr: a FIN to the peer; this end can still recv', async () => {
    const { port } = await peer();
    const d = await shell(port);
    expect((await d.run('c.shutdown wr')).out).toBe(
      `# c shut down for writing: it sends a FIN to ('127.0.0.1', ${port}) after any data still queued; the peer's recv returns b'' once it has read the rest; c can still recv\n`,
    );
    // Said once: the FIN has gone, so a second shutdown sends nothing and says nothing.
    expect((await d.run('c.shutdown wr')).out).toBe('');
  });

  it("wr after the peer's FIN: says the peer's FIN had come", async () => {
    const { port, conns } = await peer();
    const d = await shell(port);
    await waitFor(() => conns.length === 1, 'the connection accepted');
    conns[0]!.end();
    await d.run('c.recv 10'); // b'': the peer's FIN is here
    expect((await d.run('c.shutdown wr')).out).toBe(
      `# c shut down for writing: it sends a FIN to ('127.0.0.1', ${port}) after any data still queued; the peer's FIN had come already; c can still recv\n`,
    );
  });

  it('rdwr: a FIN, and this end reads no more', async () => {
    const { port } = await peer();
    const d = await shell(port);
    expect((await d.run('c.shutdown rdwr')).out).toBe(
      `# c shut down both ways: it sends a FIN to ('127.0.0.1', ${port}) after any data still queued, and c reads no more\n`,
    );
  });
});
