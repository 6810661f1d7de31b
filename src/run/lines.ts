import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { cancellable } from '../core/cancellable.js';

/**
 * Lines from a stream, one at a time, on demand. A piped session and its `input` calls share one
 * reader, so `input` takes the next line of the session, as Python's does under `python3 < file`.
 */
export class LineReader {
  private readonly lines: AsyncIterator<string>;
  private ended = false;
  private pending: Promise<IteratorResult<string>> | null = null;
  /** How many lines have been read so far: the number of the last line returned. */
  count = 0;

  constructor(input: Readable) {
    this.lines = createInterface({ input, crlfDelay: Infinity, terminal: false })[Symbol.asyncIterator]();
  }

  /** The next line without its newline; null at end of input. Aborting leaves the line for the next call. */
  async next(signal?: AbortSignal): Promise<string | null> {
    if (this.ended) return null;
    this.pending ??= this.lines.next();
    const read = this.pending;
    const result = signal ? await cancellable(read, signal, 'input') : await read;
    this.pending = null;
    if (result.done) {
      this.ended = true;
      return null;
    }
    this.count++;
    return result.value;
  }
}
