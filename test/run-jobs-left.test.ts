import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScript } from '../src/run/script.js';
import { capturedIo } from './helpers/piped.js';

/**
 * User trial 6: a script that ends while a job it started still runs stops the job, as its sockets
 * close: it did so without a word, so `run nosuch.sock &` as a last line exited 0 in silence (with a
 * `sleep 0.5` after it, the job's "can't read 'nosuch.sock'" came out, and status 1).
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-jobs-left-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(source: string): Promise<{ status: number; out: string; err: string }> {
  const file = join(dir, 'script.sock');
  writeFileSync(file, source);
  const { io, out, err } = capturedIo('');
  const status = await runScript(file, io, { overrides: new Map(), verbose: false, signal: new AbortController().signal });
  return { status, out: out(), err: err().replaceAll(file, 'FILE').replaceAll(dir, 'DIR') };
}

it('a job still running at the end is named as it is stopped', async () => {
  const r = await run('run nosuch.sock &\nprint done\n');
  expect(r.out).toBe('done\n');
  expect(r.err).toBe('warning: FILE ended with job %1 still running (run nosuch.sock): it stops with the script; wait %1 waits for it\n');
});

it('a job that ended, or was stopped, before the end is not named', async () => {
  // wait %2, not a sleep: the job has ended when the script does, however slow the machine (a sleep 0.5
  // there was a guess at how long its failure takes).
  const r = await run('run nosuch.sock &\nkill %1\nu = udp.bind 127.0.0.1 0\nrun nosuch.sock &\nwait %2\nprint done\n');
  expect(r.err).not.toMatch(/still running/);
});
