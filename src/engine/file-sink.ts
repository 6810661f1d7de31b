/** recvfile's writer: chunks queued for the file and written by writev in the order they came (FileSink), every byte of each batch (writeAll). */

import type { FileHandle } from 'node:fs/promises';

/** Received chunks on their way to the file: one writev at a time, taking all that queued meanwhile. */
export class FileSink {
  /** Bytes pushed and not yet written. */
  waiting = 0;
  /** Bytes the file has taken so far (a failed write may have taken part of its batch). */
  written = 0;
  failure: Error | null = null;
  private queued: Buffer[] = [];
  private writing: Promise<void> | null = null;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly file: FileHandle,
    /** Called after every write, so the transfer can take more (or see the failure). */
    private readonly onWritten: () => void,
  ) {}

  /** Queues chunks for the file; returns their size. */
  push(chunks: readonly Buffer[]): number {
    let size = 0;
    for (const c of chunks) {
      this.queued.push(c);
      size += c.length;
    }
    this.waiting += size;
    if (this.writing === null) this.writeQueued();
    return size;
  }

  /** Nothing queued or being written: the fast path may move bytes into the file. */
  get idle(): boolean {
    return this.writing === null && this.queued.length === 0;
  }

  /** The fast path moved bytes into the file itself (while idle). */
  moved(bytes: number): void {
    this.written += bytes;
  }

  /** Waits for the writes under way (a failure is kept in `failure`), then closes the file. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      while (this.writing !== null) await this.writing;
      await this.file.close().catch((err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      });
    })();
    return this.closed;
  }

  private writeQueued(): void {
    const batch = this.queued;
    this.queued = [];
    this.writing = writeAll(this.file, batch, (n) => (this.written += n)).then(
      (size) => {
        this.waiting -= size;
        this.writing = null;
        if (this.queued.length > 0) this.writeQueued();
        this.onWritten();
      },
      (err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.queued = [];
        this.writing = null;
        this.onWritten();
      },
    );
  }
}

/** writev until every byte is written (a write may take fewer); onWrite hears each writev's count. Returns the total. */
async function writeAll(file: FileHandle, buffers: Buffer[], onWrite: (bytes: number) => void): Promise<number> {
  let rest = buffers;
  let total = 0;
  for (const b of buffers) total += b.length;
  let left = total;
  while (left > 0) {
    const { bytesWritten } = await file.writev(rest);
    onWrite(bytesWritten);
    left -= bytesWritten;
    let skip = bytesWritten;
    while (skip > 0 && rest.length > 0 && rest[0]!.length <= skip) {
      skip -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (skip > 0) rest = [rest[0]!.subarray(skip), ...rest.slice(1)];
  }
  return total;
}
