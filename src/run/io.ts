import type { Readable, Writable } from 'node:stream';

/** The process's streams, injectable so tests can drive runners without a child process. */
export interface Io {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
}

/**
 * Where `input` shows its prompt outside the REPL: on the terminal the person is looking at, and
 * nowhere when both ends are pipes, so stdout carries print output only.
 */
export function promptStream(io: Io): Writable | null {
  if (io.stdout.isTTY) return io.stdout;
  if (io.stdin.isTTY) return io.stderr;
  return null;
}
