/**
 * The relay's contract: a full-duplex relay between a listening address and a target, over real
 * sockets (node:dgram, node:net), with impairments a test network would have. It never prints: what
 * it did is a stream of RelayEvents to an injected sink, and its counts on request.
 */
import type { Address, Transport } from '../engine/types.js';

/** What happens to UDP datagrams on the way. Percentages are 0..100; times are milliseconds. */
export interface UdpImpairments {
  readonly loss: number;
  readonly delayMs: number;
  /** Each datagram's delay is delayMs ± up to jitterMs, drawn afresh, so jitter alone can reorder. */
  readonly jitterMs: number;
  readonly duplicate: number;
  /** A datagram picked for reordering is held back and goes right after the next one (or after HOLD_MS). */
  readonly reorder: number;
}

/** What happens to a TCP byte stream on the way: every byte is late by delayMs and paced to rate bytes/s. */
export interface TcpImpairments {
  readonly delayMs: number;
  /** Bytes per second in each direction; null: as fast as the sockets go. */
  readonly rate: number | null;
}

/**
 * What of the shell holds an address, when the relay's own bind is refused (EADDRINUSE), so the error
 * names it ("v, a socket of this shell", "the relay job %1") rather than another program; null: none.
 */
export type HolderOf = (transport: Transport, address: Address) => { readonly holder: string; readonly holderStop?: string } | null;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export type RelaySpec =
  | {
      readonly transport: 'udp';
      readonly listen: Endpoint;
      readonly target: Endpoint;
      readonly impair: UdpImpairments;
      /** Every random choice comes from this seed: the same seed and datagrams give the same fates. */
      readonly seed: number;
    }
  | { readonly transport: 'tcp'; readonly listen: Endpoint; readonly target: Endpoint; readonly impair: TcpImpairments };

/** 'up': from a client to the target; 'down': from the target back to the client. */
export type Direction = 'up' | 'down';

/** What one direction of a relay did, so far. */
export interface DirectionCounts {
  /** Datagrams (UDP) or reads (TCP) that came in, and their bytes. */
  readonly arrived: number;
  readonly bytes: number;
  /** Datagrams sent on (copies included), or bytes written (TCP). */
  readonly forwarded: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** Datagrams or chunks that waited (delay, jitter, rate) before going on. */
  readonly delayed: number;
}

export interface RelayCounts {
  readonly up: DirectionCounts;
  readonly down: DirectionCounts;
  /** UDP: client addresses seen (each with its own socket to the target); TCP: connections accepted. */
  readonly clients: number;
  /** Sends and connections that failed (the target refused, a reset). */
  readonly failures: number;
}

/**
 * What the relay did, as it happens. n numbers the datagrams of one direction from 1, in the order
 * they reached the relay: with the seed, it says which datagrams a repeated run loses.
 */
export type RelayEvent =
  /** The relay listens on local and relays to target (resolved). */
  | { readonly kind: 'ready'; readonly transport: Transport; readonly local: Address; readonly target: Address }
  /**
   * Bytes as they went through the relay, told when their fate was done: a datagram or a piece of a
   * TCP stream when it was sent on (after its delay; each copy of a duplicate), or a datagram when
   * the relay lost it. up: from the client to the target; down: from the target to the client. For a
   * traffic log of what crossed, as socat -v -x shows its relay's, and never of what did not.
   */
  | {
      readonly kind: 'data';
      readonly transport: Transport;
      readonly direction: Direction;
      readonly client: Address;
      readonly target: Address;
      readonly data: Buffer;
      readonly fate: DataFate;
    }
  /** A TCP end passed through: the FIN one side sent, after its bytes, or its reset, passed on as a reset. */
  | {
      readonly kind: 'passed';
      readonly direction: Direction;
      readonly how: 'fin' | 'reset';
      readonly client: Address;
      readonly target: Address;
    }
  /** A new client: UDP: its first datagram (via: the relay's own socket to the target for it); TCP: accepted and connected on. */
  | { readonly kind: 'client'; readonly client: Address; readonly via: Address }
  /** A datagram the relay lost on purpose (--loss). `at`: the address it was sent to, the relay's. */
  | {
      readonly kind: 'lost';
      readonly direction: Direction;
      readonly n: number;
      readonly from: Address;
      readonly at: Address;
      readonly bytes: number;
      readonly data: Buffer;
    }
  /** A datagram sent twice (--duplicate). */
  | { readonly kind: 'duplicated'; readonly direction: Direction; readonly n: number; readonly bytes: number }
  /** A datagram held back to go after the next one (--reorder). */
  | { readonly kind: 'reordered'; readonly direction: Direction; readonly n: number; readonly bytes: number }
  /** Something failed: the target refused, a send failed, a connection was reset. client: whose traffic it was. */
  | { readonly kind: 'failed'; readonly client: Address | null; readonly code: string; readonly direction: Direction }
  /** A TCP connection through the relay ended; reset: by a reset, passed on to the other side. */
  | { readonly kind: 'ended'; readonly client: Address; readonly up: number; readonly down: number; readonly reset: boolean };

/**
 * What became of bytes that reached the relay: sent on (lateMs after they arrived when the relay held
 * them: --delay, --jitter, --rate, or --reorder's holding back; null: at once; copy 2 of a
 * --duplicate), or lost (--loss).
 */
export type DataFate =
  { readonly kind: 'sent'; readonly lateMs: number | null; readonly copy: 1 | 2; readonly reordered: boolean } | { readonly kind: 'lost' };

export type RelaySink = (event: RelayEvent) => void;

/** A running relay. */
export interface Relay {
  readonly transport: Transport;
  /** Where it listens (the port the OS picked for 0). */
  readonly local: Address;
  readonly target: Address;
  counts(): RelayCounts;
  /** Stops listening, closes every socket it opened and cancels every timer; resolves when the OS handles are released. */
  close(): Promise<void>;
}
