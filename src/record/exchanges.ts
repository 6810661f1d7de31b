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
  | {
      readonly kind: 'fin';
      readonly socket: string;
      readonly local: Address | null;
      readonly to: Address | null;
      readonly call: 'close' | 'shutdown';
    }
  | { readonly kind: 'close'; readonly socket: string };

const LIMIT = 2000;
const PREVIEW = 24;

type DataKind = 'send' | 'recv';

/**
 * A send or recv as the ring keeps it. Each place of the ring keeps its record and overwrites it
 * when the ring comes round again, and previews go into one slab: logging the calls of a server loop
 * allocates nothing once the ring is full.
 */
interface DataRecord {
  kind: DataKind;
  socket: string;
  transport: Transport;
  call: string;
  local: Address | null;
  /** The destination of a send, the source of a recv. */
  peer: Address | null;
  bytes: number;
  previewLength: number;
}

type Entry = { readonly data: false; readonly exchange: Exchange } | ({ readonly data: true } & DataRecord);

/** A ring of the last LIMIT exchanges: adding is O(1) however long the session runs. */
export class ExchangeLog {
  private readonly ring: Entry[] = [];
  private next = 0;
  private readonly previews = Buffer.alloc(LIMIT * PREVIEW);
  dropped = 0;

  add(exchange: Exchange): void {
    this.put({ data: false, exchange });
  }

  /** A send (peer: where it went) or a recv (peer: where it came from) of payload. */
  data(
    kind: DataKind,
    socket: string,
    transport: Transport,
    call: string,
    local: Address | null,
    peer: Address | null,
    payload: Buffer,
  ): void {
    const at = this.ring.length < LIMIT ? this.ring.length : this.next;
    const old = this.ring[at];
    const previewLength = payload.copy(this.previews, at * PREVIEW, 0, PREVIEW);
    if (old !== undefined && old.data) {
      old.kind = kind;
      old.socket = socket;
      old.transport = transport;
      old.call = call;
      old.local = local;
      old.peer = peer;
      old.bytes = payload.length;
      old.previewLength = previewLength;
      this.advance();
      return;
    }
    this.put({ data: true, kind, socket, transport, call, local, peer, bytes: payload.length, previewLength });
  }

  /** Oldest first. */
  all(): Exchange[] {
    const order = this.ring.length < LIMIT ? this.ring.map((_, i) => i) : this.ring.map((_, i) => (this.next + i) % LIMIT);
    return order.map((i) => this.exchange(i));
  }

  private exchange(i: number): Exchange {
    const e = this.ring[i]!;
    if (!e.data) return e.exchange;
    const preview = Buffer.from(this.previews.subarray(i * PREVIEW, i * PREVIEW + e.previewLength));
    const { socket, transport, call, local, bytes } = e;
    return e.kind === 'send'
      ? { kind: 'send', socket, transport, call, local, to: e.peer, bytes, preview }
      : { kind: 'recv', socket, transport, call, local, from: e.peer, bytes, preview };
  }

  private put(entry: Entry): void {
    if (this.ring.length < LIMIT) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.next] = entry;
    this.advance();
  }

  /** The place just written was the oldest: the next one is now. */
  private advance(): void {
    this.next = (this.next + 1) % LIMIT;
    this.dropped++;
  }
}
