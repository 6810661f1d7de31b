import { PassThrough } from 'node:stream';
import { runPiped } from '../../src/run/piped.js';

export interface PipedResult {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `input` as `sockshell < file` does, in this process: its exit status and what it wrote to each stream. */
export async function pipedSession(input: string, signal = new AbortController().signal): Promise<PipedResult> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(input);
  const status = await runPiped({ stdin, stdout, stderr }, { verbose: false, signal });
  return { status, out, err };
}
