/**
 * One direction of a TCP connection through the relay: what src reads is written to dst, each byte
 * delayMs late and no faster than rate bytes per second, in order. The FIN goes on after the last
 * byte, and a reset as a reset, each delayMs late too, as a network that delays every segment delays
 * them (a reset used to go at once, and the bytes still held were thrown away; trial 10, against
 * socat). Once dst has gone (the other direction passed a reset to it), nothing more is written.
 * Memory is bounded: src stops being read while QUEUE_LIMIT bytes wait (so the sender meets TCP's
 * flow control), and nothing is read past what dst has not taken.
 */
import type { Socket } from 'node:net';
import type { Counter } from './fate.js';

/** Bytes that may wait in the relay for their time to go, per direction. */
export const QUEUE_LIMIT = 1024 * 1024;
/** Pacing writes this many times a second at most: a piece is rate / TICKS bytes. */
const TICKS = 20;

export type PumpEnd = 'fin' | 'reset';

/** What the pump passed to dst, as it did: bytes (lateMs after they arrived when they waited; null: at once), or the end it passed on. */
export type Passed =
  { readonly kind: 'data'; readonly data: Buffer; readonly lateMs: number | null } | { readonly kind: 'end'; readonly how: PumpEnd };

const EMPTY = Buffer.alloc(0);

export class Pump {
  /** Bytes written to dst: this connection's share of the direction's count. */
  moved = 0;
  /** What waits for its time: bytes, and last the end of src (with no bytes). */
  private readonly queue: { readonly due: number; readonly data: Buffer; readonly arrived: number; readonly end?: PumpEnd }[] = [];
  private queued = 0;
  private nextFree = 0;
  private timer: NodeJS.Timeout | null = null;
  /** dst's buffer is full: wait for 'drain'. */
  private blocked = false;
  private srcEnded = false;
  private over = false;

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly counts: Counter,
    private readonly delayMs: number,
    private readonly rate: number | null,
    private readonly onEnd: (how: PumpEnd) => void,
    /** Hears what went on to dst, when it went (a traffic log of what crossed). */
    private readonly passed: (what: Passed) => void = () => {},
  ) {
    src.on('data', (chunk: Buffer) => this.arrive(chunk));
    src.on('end', () => this.ended('fin'));
    src.on('error', () => undefined); // seen as 'close' with an error, below
    src.on('close', () => {
      if (!this.srcEnded) this.ended('reset');
    });
    dst.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    // dst was reset (by the other direction's pump): what waits for it can go nowhere.
    dst.on('close', () => {
      this.stop();
      this.queue.length = 0;
    });
  }

  /** The relay is closing: no more timers, no more writes. */
  stop(): void {
    this.over = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arrive(chunk: Buffer): void {
    if (this.over) return;
    this.counts.arrived++;
    this.counts.bytes += chunk.length;
    if (this.delayMs === 0 && this.rate === null && this.queue.length === 0) {
      this.write(chunk, null);
      if (this.blocked) this.src.pause();
      return;
    }
    this.counts.delayed++;
    const now = performance.now();
    const piece = this.rate === null ? chunk.length : Math.max(1, Math.floor(this.rate / TICKS));
    for (let at = 0; at < chunk.length; at += piece) {
      const data = chunk.subarray(at, at + piece);
      const due = Math.max(now + this.delayMs, this.nextFree);
      if (this.rate !== null) this.nextFree = due + (data.length * 1000) / this.rate;
      this.queue.push({ due, data, arrived: now });
    }
    this.queued += chunk.length;
    if (this.queued >= QUEUE_LIMIT) this.src.pause();
    if (this.timer === null) this.flush();
  }

  /** src ended (a FIN, or a reset): passed on after what it sent, delayMs after it came, or at once without a delay. */
  private ended(how: PumpEnd): void {
    if (this.over || this.srcEnded) return;
    this.srcEnded = true;
    if (this.delayMs === 0 && this.queue.length === 0) return this.finish(how);
    const now = performance.now();
    this.queue.push({ due: Math.max(now + this.delayMs, this.nextFree), data: EMPTY, arrived: now, end: how });
    if (this.timer === null) this.flush();
  }

  /** Writes what is due, then waits for the next due time, for 'drain', or for more to arrive. */
  private flush(): void {
    if (this.over) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const now = performance.now();
    while (!this.blocked && this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { data, arrived, end } = this.queue.shift()!;
      if (end !== undefined) return this.finish(end);
      this.queued -= data.length;
      this.write(data, Math.round(now - arrived));
    }
    if (this.blocked) return;
    const next = this.queue[0];
    if (next !== undefined) this.timer = setTimeout(() => this.flush(), Math.max(1, Math.ceil(next.due - now)));
    if (this.queued < QUEUE_LIMIT / 2 && this.src.isPaused() && !this.srcEnded) this.src.resume();
  }

  private write(data: Buffer, lateMs: number | null): void {
    this.moved += data.length;
    this.counts.forwarded += data.length;
    if (!this.dst.write(data)) this.blocked = true;
    this.passed({ kind: 'data', data, lateMs });
  }

  /**
   * src's end goes on to dst: a FIN as a FIN, a reset (src ended without a FIN) as a reset. A reset is
   * passed on only when dst was still open: when the relay itself tore src down after dst's reset,
   * nothing came from src.
   */
  private finish(how: PumpEnd): void {
    this.stop();
    this.queue.length = 0;
    if (how === 'fin') {
      this.dst.end();
      this.passed({ kind: 'end', how });
    } else if (!this.dst.destroyed) {
      this.dst.resetAndDestroy();
      this.passed({ kind: 'end', how });
    }
    this.onEnd(how);
  }
}
