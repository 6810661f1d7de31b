/**
 * The two receive queues: a FIFO of items (UDP datagrams, connections waiting for accept) and a byte
 * queue for a TCP stream, where recv(n) takes up to n bytes across chunk boundaries.
 * Both shift by moving a head index, so taking from the front is O(1).
 */

/** A first-in first-out queue. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T; // let it be collected
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The items, oldest first, without removing them. */
  *values(): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

const EMPTY = Buffer.alloc(0);

/** The bytes of a TCP stream that arrived but were not yet taken by recv. */
export class ByteQueue {
  /** The chunks after the first; made when a second chunk waits (a held connection that gets nothing has none). */
  private chunks: Fifo<Buffer> | null = null;
  private first: Buffer | null = null; // the front chunk, kept out of the FIFO so partial takes are cheap
  /** Bytes queued. */
  total = 0;
  /** How many arrived chunks the last take() drew from (more than one: the stream joined them). */
  lastPieces = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.first === null) this.first = chunk;
    else (this.chunks ??= new Fifo<Buffer>()).push(chunk);
    this.total += chunk.length;
  }

  /** Removes and returns up to n bytes (fewer if fewer are queued); empty when nothing is. */
  take(n: number): Buffer {
    const first = this.first;
    this.lastPieces = 1;
    if (first === null || n <= 0) return EMPTY;
    if (first.length > n) {
      this.first = first.subarray(n);
      this.total -= n;
      return first.subarray(0, n);
    }
    this.advance();
    if (first.length === n || this.first === null) return first;
    // Gather across chunks: a TCP byte stream keeps no message boundaries.
    const parts = [first];
    let size = first.length;
    while (size < n && this.first !== null) {
      const next: Buffer = this.first;
      const want = n - size;
      if (next.length > want) {
        parts.push(next.subarray(0, want));
        this.first = next.subarray(want);
        this.total -= want;
        size += want;
      } else {
        parts.push(next);
        this.advance();
        size += next.length;
      }
    }
    this.lastPieces = parts.length;
    return Buffer.concat(parts, size);
  }

  /**
   * Removes up to n bytes as the chunks they arrived in (the last one cut to fit), without copying
   * them into one buffer: recvfile hands them to a file as they are. Empty when nothing is queued.
   */
  takeChunks(n: number): Buffer[] {
    const out: Buffer[] = [];
    let left = n;
    while (left > 0 && this.first !== null) {
      const first = this.first;
      if (first.length > left) {
        out.push(first.subarray(0, left));
        this.first = first.subarray(left);
        this.total -= left;
        break;
      }
      out.push(first);
      left -= first.length;
      this.advance();
    }
    return out;
  }

  /** A copy of up to n bytes from the front, leaving them queued (MSG_PEEK). */
  peek(n: number): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    for (const chunk of this.each()) {
      if (size >= n) break;
      const part = chunk.subarray(0, n - size);
      parts.push(part);
      size += part.length;
    }
    return Buffer.concat(parts, size);
  }

  /**
   * The offset of the first delim in the queued bytes, across the chunks they arrived in; -1 when
   * none is queued. Each chunk is searched in place; only the few bytes around a chunk boundary are
   * copied, to find a delimiter split across two chunks.
   */
  indexOf(delim: Buffer): number {
    if (delim.length === 0) return this.total > 0 ? 0 : -1;
    let base = 0; // offset of the chunk in the queue
    let carry: Buffer = EMPTY; // the last delim.length - 1 bytes before the chunk
    for (const chunk of this.each()) {
      if (carry.length > 0) {
        const seam = Buffer.concat([carry, chunk.subarray(0, delim.length - 1)]);
        const i = seam.indexOf(delim);
        if (i >= 0) return base - carry.length + i;
      }
      const i = chunk.indexOf(delim);
      if (i >= 0) return base + i;
      const joined = carry.length + chunk.length;
      const keep = Math.min(delim.length - 1, joined);
      carry = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([carry, chunk]).subarray(joined - keep);
      base += chunk.length;
    }
    return -1;
  }

  /** The queued chunks, front first. */
  private *each(): Generator<Buffer> {
    if (this.first === null) return;
    yield this.first;
    if (this.chunks !== null) yield* this.chunks.values();
  }

  clear(): void {
    this.chunks?.drain();
    this.first = null;
    this.total = 0;
  }

  /** Drops the whole front chunk. */
  private advance(): void {
    const first = this.first;
    if (first === null) return;
    this.total -= first.length;
    this.first = this.chunks?.shift() ?? null;
  }
}
