/** The exchange log's records (exchange-log.ts): a send, recv or arrival, or any other exchange. */
import type { Address, Transport } from '../engine/types.js';
import type { Exchange } from './exchange.js';

export type DataKind = 'send' | 'recv' | 'arrive';

/**
 * A send or recv as the ring keeps it. Each place of the ring keeps its record and overwrites it
 * when the ring comes round again, and previews go into one slab: logging the calls of a server loop
 * allocates nothing once the ring is full. A class, so that every record has one shape from its
 * first field to its last: records made as object literals took V8's generic store for each of the
 * eleven fields overwritten, three records a round trip (a callgrind profile of a UDP server put
 * ~3,600 instructions a round trip here, of ~30,000; issue 16).
 */
export class DataRecord {
  readonly data = true;
  constructor(
    public kind: DataKind,
    public serial: number,
    public name: string,
    public transport: Transport,
    public call: string,
    public local: Address | null,
    /** The destination of a send, the source of a recv. */
    public peer: Address | null,
    public bytes: number,
    /** Arrivals this record stands for (1 but for a long run of arrivals, RUN_KEPT). */
    public pieces: number,
    public previewLength: number,
    public file: string | null,
  ) {}
}

/** Any other exchange, kept as it came. */
export class OtherRecord {
  readonly data = false;
  constructor(readonly exchange: Exchange) {}
}

export type Entry = OtherRecord | DataRecord;
