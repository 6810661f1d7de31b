import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ShellProcess } from '../helpers/shell-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Trial 4, finding F10: `sockshell listen -k` with a client that sends `data\n` and resets, then one
 * that sends `hi\n` and closes. stdout had all 8 bytes, but Ctrl-C's summary said `received 3 bytes
 * in all`: the reset client's bytes were lost from the count, and its line said "run the command
 * again for a new one", though listen -k goes on serving the others.
 */
let shell: ShellProcess | null = null;
afterEach(() => {
  shell?.stop();
  shell = null;
});

/** A client that sends text, then resets (SO_LINGER 0) or closes with a FIN; resolves once it is gone. */
function client(port: number, text: string, reset: boolean): Promise<void> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => {
      c.write(text, () => (reset ? c.resetAndDestroy() : c.end()));
    });
    c.on('error', () => undefined);
    c.on('close', () => resolve());
    if (!reset) c.resume();
  });
}

it('listen -k: a client that resets is counted and named, and serving goes on', async () => {
  shell = new ShellProcess(['listen', '-k', '127.0.0.1', '0']);
  await shell.waitFor('listening on');
  const port = Number(/listening on \('127\.0\.0\.1', (\d+)\)/.exec(shell.err)![1]);
  await client(port, 'data\n', true);
  await waitFor(
    () => /ECONNRESET/.test(shell!.err) && shell!.out === 'data\n',
    () => `the reset said; stderr: ${shell!.err}`,
  );
  await client(port, 'hi\n', false);
  await waitFor(
    () => /closed its side/.test(shell!.err),
    () => `the second client's end; stderr: ${shell!.err}`,
  );
  shell.child.kill('SIGINT');
  expect(await shell.exit).toBe(130);
  expect(shell.out).toBe('data\nhi\n');
  expect(shell.err).toMatch(/^# \('127\.0\.0\.1', \d+\) reset the connection \(ECONNRESET\); sent 0 bytes, received 5 bytes$/m);
  expect(shell.err).not.toMatch(/run the command again/);
  expect(shell.err).toMatch(/# interrupted; served 2 connections; sent 0 bytes, received 8 bytes in all\n$/);
});
