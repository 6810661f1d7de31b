import { terminalSafe } from '../render/terminal.js';
import type { Readable, Writable } from 'node:stream';

/** The process's streams, injectable so tests can drive runners without a child process. */
export interface Io {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
}

/**
 * Writes `input`'s prompt where Python's input() writes it: to stdout, into a pipe too, so that a
 * .sock client's stdout is the .py one's (a grading transcript expects `Input lowercase
 * sentence:HELLO`). A script whose stdout feeds a pipeline writes `input` with no prompt, as Python
 * would call input(). On a terminal the prompt is escaped, as it may hold what a peer sent; into a
 * pipe it is the bytes, as print's are.
 */
export function writePrompt(io: Io, text: string): void {
  if (text === '') return;
  const bytes = Buffer.from(text, 'utf8');
  io.stdout.write(io.stdout.isTTY ? terminalSafe(bytes) : bytes);
}
