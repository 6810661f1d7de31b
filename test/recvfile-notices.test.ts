import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { allLines, CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Trial 4, finding F4: a recvfile that starts just as bytes arrive (in the same block as the accept, or
 * typed ahead of it) took them all, and the shell then said `[k] 11 bytes are waiting; recv will
 * return them` and `recv returns b'' after the 11 queued bytes`: notices held while the command ran,
 * about bytes the recvfile had written to its file by the time they were shown.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-recvfile-notices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let d: CoreDriver | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

it('bytes a recvfile under way writes to its file are not announced as waiting for recv', async () => {
  d = new CoreDriver();
  await d.ok('w = tcp.listen 127.0.0.1 0', 'p = w.getsockname');
  const port = Number(/, (\d+)\)/.exec(allLines(await d.run('$p')))![1]);
  // The client has connected, sent its bytes and closed before accept: they arrive as recvfile begins.
  const client = connect(port, '127.0.0.1', () => client.end('hello there'));
  client.on('error', () => undefined);
  let sent = false;
  client.on('finish', () => (sent = true));
  await waitFor(
    () => sent,
    () => "the client's bytes and FIN",
  );
  const file = join(dir, 'got.bin');
  const ran = await d.run(`if true\n  k, a = w.accept\n  n = k.recvfile ${file}\nend`);
  expect(readFileSync(file, 'utf8')).toBe('hello there');
  const said = allLines(ran);
  expect(said).toContain('wrote 11 bytes to');
  expect(said).not.toMatch(/are waiting; recv will return them|after the 11 queued bytes/);
  expect(allLines(await d.run('sockets'))).toMatch(/│ \* k +│ TCP +│[^\n]*│ 0 B +│/);
  client.destroy();
});
