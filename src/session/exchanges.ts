import type { Address, Transport } from '../engine/types.js';

/**
 * What the session's socket calls did, as the application saw them: the raw material of
 * `diagram`. Payloads keep only a short preview. The log is bounded, so a server loop that runs
 * for hours does not grow without end; `dropped` says how much was let go.
 */
export type Exchange =
  | { readonly kind: 'bind'; readonly socket: string; readonly transport: Transport; readonly local: Address }
  | { readonly kind: 'listen'; readonly socket: string; readonly local: Address }
  | { readonly kind: 'connect'; readonly socket: string; readonly transport: Transport; readonly local: Address; readonly remote: Address }
  | { readonly kind: 'accept'; readonly socket: string; readonly conn: string; readonly local: Address; readonly peer: Address }
  | {
      readonly kind: 'send';
      readonly socket: string;
      readonly transport: Transport;
      readonly call: string;
      readonly local: Address | null;
      readonly to: Address | null;
      readonly bytes: number;
      readonly preview: Buffer;
    }
  | {
      readonly kind: 'recv';
      readonly socket: string;
      readonly transport: Transport;
      readonly call: string;
      readonly local: Address | null;
      readonly from: Address | null;
      readonly bytes: number;
      readonly preview: Buffer;
    }
  | { readonly kind: 'fin'; readonly socket: string; readonly local: Address | null; readonly to: Address | null; readonly call: 'close' | 'shutdown' }
  | { readonly kind: 'close'; readonly socket: string };

const LIMIT = 2000;
const PREVIEW = 24;

/** A ring of the last LIMIT exchanges: adding is O(1) however long the session runs. */
export class ExchangeLog {
  private readonly ring: Exchange[] = [];
  private next = 0;
  dropped = 0;

  add(e: Exchange): void {
    if (this.ring.length < LIMIT) this.ring.push(e);
    else {
      this.ring[this.next] = e;
      this.next = (this.next + 1) % LIMIT;
      this.dropped++;
    }
  }

  /** Oldest first. */
  all(): readonly Exchange[] {
    return this.next === 0 ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

/** The first bytes of a payload, copied so the log holds no large buffer. */
export function preview(data: Buffer): Buffer {
  return Buffer.from(data.subarray(0, PREVIEW));
}
