import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * close() with received bytes unread. Linux answers Python's close() then with a reset (RST), and the
 * peer's next call fails with ECONNRESET. The shell had already taken those bytes from the kernel into
 * its own queue, so a plain close(fd) sent a FIN: the peer was told, falsely, that the connection ended
 * in order, and `recv` there returned b''.
 */

let shell: CoreDriver | null = null;
const servers: net.Server[] = [];
afterEach(async () => {
  await shell?.close();
  shell = null;
  for (const s of servers.splice(0)) s.close();
});

/** A peer outside the shell: what its connection saw at the end, an orderly end or an error code. */
async function peer(): Promise<{ port: number; conn: () => net.Socket | null; ending: () => string | null }> {
  let conn: net.Socket | null = null;
  let ending: string | null = null;
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    conn = c;
    c.on('data', () => undefined);
    c.on('end', () => (ending ??= 'FIN'));
    c.on('error', (e: NodeJS.ErrnoException) => (ending ??= e.code ?? 'error'));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, conn: () => conn, ending: () => ending };
}

/** Bytes waiting in the shell's queue for socket `name`, as `sockets` counts them. */
function queued(name: string): number {
  const s = shell!.core.session.engine.list().find((i) => i.name === name);
  return s?.queued.count ?? 0;
}

/** The shell's socket c connected to a peer outside it, which has sent `data`. */
async function connectedTo(data: string): Promise<{ p: Awaited<ReturnType<typeof peer>>; sh: CoreDriver }> {
  const p = await peer();
  const sh = (shell = new CoreDriver({ maxWaitMs: HANG_MS }));
  await sh.ok(`c = tcp.connect 127.0.0.1 ${p.port}`);
  await waitFor(() => p.conn() !== null, 'the peer to have the connection');
  p.conn()!.write(data);
  return { p, sh };
}

describe('close with unread data', () => {
  it('sends a reset: the peer outside the shell gets ECONNRESET, and the shell says why', async () => {
    const { p, sh } = await connectedTo('unread data');
    await waitFor(() => queued('c') === 11, 'the 11 bytes to reach the shell');
    const closed = await sh.run('c.close');
    expect(closed.err).toMatch(/^warning: c was closed with 11 bytes unread: .*reset \(RST\), not ended with a FIN/);
    await waitFor(() => p.ending() !== null, 'the peer to see the end');
    expect(p.ending()).toBe('ECONNRESET');
    expect(await sh.ok('explain')).toMatch(/^c was closed with 11 bytes unread[^\n]*\nECONNRESET \(at the peer\): /);
  });

  it('still ends with a FIN when everything that arrived was read', async () => {
    const { p, sh } = await connectedTo('read me');
    expect(await sh.ok('d = c.recv 100', '$d')).toMatch(/b'read me'\n$/);
    expect((await sh.run('c.close')).err).toBe('');
    await waitFor(() => p.ending() !== null, 'the peer to see the end');
    expect(p.ending()).toBe('FIN');
  });

  it('both ends in the shell: the other end reports ECONNRESET and the diagram draws an RST, not a FIN', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(
      'w = tcp.listen 127.0.0.1 0',
      'a = w.getsockname',
      'c = tcp.connect $a',
      'k, addr = w.accept',
      'c.sendall "unread data"',
    );
    await waitFor(() => queued('k') === 11, 'the bytes to reach k');
    await shell.run('k.close');
    expect((await shell.run('c.recv 100')).err).toMatch(/ECONNRESET: the peer reset the connection of c/);
    const drawn = await shell.ok('diagram --mermaid');
    expect(drawn).toContain('RST (close with 11 B unread)');
    expect(drawn).not.toContain('FIN (close)');
  });
});
