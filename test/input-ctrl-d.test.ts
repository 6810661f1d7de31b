import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { startRepl } from '../src/repl/repl.js';
import { waitFor } from './helpers/wait.js';

/**
 * User trial 6: Ctrl-D at an `input` prompt left the whole shell (every socket closed, no line), where
 * the end of a pipe makes `input` return none and Python's REPL answers input() with EOFError and goes
 * on. Now it is that input's end, as interact's Ctrl-D is: `input` returns none and the shell stays.
 */
it('Ctrl-D at an input prompt ends that input (none), not the session', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errorOutput.on('data', (d: Buffer) => (out += d.toString()));
  const repl = startRepl({ input, output, errorOutput, terminal: true, color: false, history: null });
  let ended = false;
  void repl.done.then(() => (ended = true));
  const shown = (text: string) =>
    waitFor(
      () => out.includes(text),
      () => `${JSON.stringify(text)} in ${JSON.stringify(out)}`,
    );
  input.write("x = input 'Type: '\r");
  await shown('Type: ');
  input.write('\x04');
  await waitFor(
    () => !repl.busy(),
    () => 'input to end',
  );
  input.write('print "got [$x]"\r');
  await shown('got [None]');
  expect(ended).toBe(false);
  input.write('\x04');
  expect(await repl.done).toBe(0);
});
