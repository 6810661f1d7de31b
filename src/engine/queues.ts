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
  private readonly chunks = new Fifo<Buffer>();
  private first: Buffer | null = null; // the front chunk, kept out of the FIFO so partial takes are cheap
  /** Bytes queued. */
  total = 0;
  /** How many arrived chunks the last take() drew from (more than one: the stream joined them). */
  lastPieces = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.first === null) this.first = chunk;
    else this.chunks.push(chunk);
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

  clear(): void {
    this.chunks.drain();
    this.first = null;
    this.total = 0;
  }

  /** Drops the whole front chunk. */
  private advance(): void {
    const first = this.first;
    if (first === null) return;
    this.total -= first.length;
    this.first = this.chunks.shift() ?? null;
  }
}
