import { PassThrough } from 'node:stream';
import { runPiped } from '../../src/run/piped.js';
import type { Io } from '../../src/run/io.js';

export interface PipedResult {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** Standard streams for a runner in this process: `input` on stdin, and what it writes to each stream so far. */
export function capturedIo(input: string): { io: Io; out: () => string; err: () => string } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(input);
  return { io: { stdin, stdout, stderr }, out: () => out, err: () => err };
}

/** Runs `input` as `sockshell < file` does, in this process: its exit status and what it wrote to each stream. */
export async function pipedSession(input: string, signal = new AbortController().signal): Promise<PipedResult> {
  const { io, out, err } = capturedIo(input);
  const status = await runPiped(io, { verbose: false, signal });
  return { status, out: out(), err: err() };
}
