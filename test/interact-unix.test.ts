import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * interact on a Unix stream socket (developer trial 7, H): Ctrl-D shuts its sending side down as on
 * TCP, and the peer's end of stream comes the same way, but AF_UNIX sends no FIN; the words said it did.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('interact on a Unix socket', () => {
  it('says end of stream where TCP says FIN, both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-interact-unix-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'peer.sock');
    const got: Buffer[] = [];
    // The peer says hello and shuts its sending side down; it reads until the shell's end of stream.
    const server: Server = createServer({ allowHalfOpen: true }, (c) => {
      c.on('data', (d) => got.push(d));
      c.on('end', () => c.destroy());
      c.end('hello\n');
    });
    await new Promise<void>((r) => server.listen(path, r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    let peerEnded: () => void = () => undefined;
    const ended = new Promise<void>((r) => (peerEnded = r));
    const lines = [
      async () => {
        await ended;
        return 'bye';
      },
      async () => null,
    ];
    const d = new CoreDriver({
      readLine: () => lines.shift()?.() ?? new Promise(() => undefined),
      onLine: (l) => {
        if (l.text.includes('nothing more will arrive')) peerEnded();
      },
    });
    cleanup.push(() => d.close());
    await d.ok(`u = unix.connect ${path}`);
    const ran = await d.run('interact u', 10_000);
    expect(ran.interrupted).toBe(false);
    expect(ran.out).toContain('Ctrl-D shuts down sending (end of stream), Ctrl-C stops');
    expect(ran.out).toContain('# the peer shut down its sending side (end of stream; a Unix socket has no FIN): nothing more will arrive');
    expect(ran.out).not.toMatch(/\bFIN\b(?!\))/);
    expect(ran.out).toContain('hello');
    await waitFor(() => Buffer.concat(got).toString() === 'bye\n', "the shell's line at the peer");
  });
});
