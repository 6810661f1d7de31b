import type { Readable } from 'node:stream';
import { cancellable } from '../core/cancellable.js';

/**
 * A stream's bytes as they come, one chunk per call, for streaming to a socket (sockshell connect /
 * listen). Byte-exact: nothing is decoded or split at lines. Aborting a call leaves its chunk for the
 * next call, as LineReader does with lines.
 */
export class ChunkReader {
  private readonly chunks: AsyncIterator<unknown>;
  private ended = false;
  private pending: Promise<IteratorResult<unknown>> | null = null;

  constructor(input: Readable) {
    this.chunks = input[Symbol.asyncIterator]();
  }

  /** The next chunk; null at end of input. */
  async next(signal?: AbortSignal): Promise<Buffer | null> {
    if (this.ended) return null;
    this.pending ??= this.chunks.next();
    const read = this.pending;
    const result = signal ? await cancellable(read, signal, 'read') : await read;
    this.pending = null;
    if (result.done) {
      this.ended = true;
      return null;
    }
    const value = result.value;
    return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }
}
