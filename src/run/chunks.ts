import type { Readable } from 'node:stream';
import { cancellable } from '../core/cancellable.js';

/**
 * A stream's bytes as they come, one chunk per call, for streaming to a socket (sockshell connect /
 * listen). Byte-exact: nothing is decoded or split at lines. Aborting a call leaves its chunk for the
 * next call, as LineReader does with lines.
 */
export class ChunkReader {
  /** Made on the first read: iterating starts reading, and until then the stream's bytes stay where they are. */
  private chunks: AsyncIterator<unknown> | null = null;
  private ended = false;
  private pending: Promise<IteratorResult<unknown>> | null = null;

  constructor(private readonly input: Readable) {}

  /** The next chunk; null at end of input. */
  async next(signal?: AbortSignal): Promise<Buffer | null> {
    if (this.ended) return null;
    this.chunks ??= this.input[Symbol.asyncIterator]();
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
