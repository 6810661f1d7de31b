import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * `serve PORT FILE` in the foreground at a real terminal, 20 clients at once (issue 14): each client's
 * data waiting on its connection used to be a `[conn7] 7 bytes are waiting` line, held under the
 * running serve and poured out under the prompt when it stopped. The connections are their
 * handlers' now: the screen shows serve's start, its stop with the count, and the prompt.
 */
describe.runIf(hasScript)('serve in the foreground at a real terminal', () => {
  it('serves 20 clients at once and floods nothing under the prompt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-pty-serve-'));
    const handler = join(dir, 'upper.sock');
    writeFileSync(handler, 'm = conn.recv 100\nconn.sendall (upper $m)\n');
    const { child, screen, waitFor, exited } = atTerminal('');
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write(`serve 0 ${handler}\r`);
      await waitFor(/serving \('0\.0\.0\.0', \d+\)[^]*them\r*\n$/, 'serve listening');
      const port = Number(/serving \('0\.0\.0\.0', (\d+)\)/.exec(screen())![1]);
      const replies = await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) =>
            new Promise<string>((resolve, reject) => {
              let got = '';
              const c = connect(port, '127.0.0.1', () => c.write(`hello ${i}`));
              c.on('data', (d: Buffer) => (got += d.toString()));
              c.on('close', () => resolve(got));
              c.on('error', reject);
            }),
        ),
      );
      expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `HELLO ${i}`));
      child.stdin.write('\x03');
      await waitFor(/served 20 connections[^]*sockshell> $/, 'the stop and the prompt');
      const after = screen().slice(screen().indexOf('served 20 connections'));
      expect(after).not.toMatch(/waiting|\[conn/);
      expect(after).toMatch(/^served 20 connections\r*\n\^C serve cancelled\r*\nsockshell> $/);
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
