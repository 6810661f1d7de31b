import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Trial 4, finding F6: a peer sends `bye\n`, then resets. The shell said `[rc] ECONNRESET arrived; the
 * next call on rc reports it`, but the next recv returns the 4 queued bytes, as Python's does, and
 * only the recv after it raises ConnectionResetError. What the notice says now holds for each call.
 */
let d: CoreDriver | null = null;
let server: Server | null = null;
afterEach(async () => {
  await d?.close();
  server?.close();
  d = server = null;
});

it('a reset behind queued bytes: the notice says a recv gets the bytes first, and recv does', async () => {
  let conn: Socket | null = null;
  server = createServer((s) => {
    conn = s;
    s.write('bye\n');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const seen: string[] = [];
  d = new CoreDriver({ onLine: (l) => void seen.push(l.text) });
  await d.ok(`rc = tcp.connect 127.0.0.1 ${port}`);
  await waitFor(
    () => seen.some((l) => l.startsWith('[rc] 4 bytes are waiting')),
    () => `the bytes' notice; saw ${seen.join(' | ')}`,
  );
  conn!.resetAndDestroy();
  await waitFor(
    () => seen.some((l) => l.startsWith('[rc] ECONNRESET')),
    () => `the reset's notice; saw ${seen.join(' | ')}`,
  );
  expect(seen.find((l) => l.startsWith('[rc] ECONNRESET'))).toBe(
    '[rc] ECONNRESET arrived; a recv on rc returns the 4 queued bytes first and the next one reports it; a send reports it now',
  );
  expect((await d.run('rc.recv 100')).out).toBe("b'bye\\n'\n");
  expect((await d.run('rc.recv 100')).err).toMatch(/ECONNRESET: the peer reset the connection of rc/);
});
