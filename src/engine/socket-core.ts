/** What a socket needs from the engine that owns it (Core), and what the engine hands it: a connection from the accept queue, the holder of an address. */

import type { Socket as NetSocket } from 'node:net';
import type { BaseSocket } from './base.js';
import type { Blocking } from './native.js';
import type { AddonCalls } from './sockopts.js';
import type { BareConnection } from './tcp-end.js';
import type { Address, CreateOptions, EngineEvent, Family, SocketHandle, Transport } from './types.js';

/** What a socket needs from the engine that owns it. */
export interface Core {
  readonly udpQueueDatagrams: number;
  readonly udpQueueBytes: number;
  readonly tcpQueueBytes: number;
  emit(event: EngineEvent): void;
  /** The native fast path, when the engine was given it and the addon loaded; else null. */
  readonly blocking: Blocking | null;
  /** The addon's calls on a descriptor, for what Node has no call for (options, a connected UDP socket's sendto); or why there are none. */
  readonly addon: AddonCalls;
  /** Registers a connection taken from a listener's accept queue under a fresh name. */
  adopt(accepted: Accepted, family: Family, options: CreateOptions): SocketHandle;
  /**
   * The name of another open socket of this engine and transport that holds address, or null. For
   * TCP this is the engine's own record, asked before the kernel: it names the holder in EADDRINUSE's
   * words, and without the addon it is the only check (Node cannot bind a TCP socket without
   * listening, so the OS does not know of such a bind, yet Python's second bind of a port fails with
   * EADDRINUSE). For UDP it names the holder when the OS refused a bind. connected: a TCP connection's
   * own address counts too (its local port, which no bind named): asked only once the OS has refused,
   * since with SO_REUSEADDR on both sides Linux lets a bind share a connection's port.
   */
  holderOf(address: Address, transport: Transport, asking: BaseSocket, connected?: boolean): Holder | null;
  /** The engine's open sockets now. */
  open(): Iterable<BaseSocket>;
}

/** What holds an address, for EADDRINUSE's words: a socket's name, or something else of this shell with how to stop it (Engine.holdAddress). */
export type Holder = { readonly holder: string; readonly holderStop?: string };

/** A completed handshake waiting in a listener's accept queue. */
export interface Accepted {
  /** Node's socket, or the bare descriptor the native fast path accepted (tcp-end.ts). */
  readonly raw: NetSocket | BareConnection;
  /**
   * The client's address; null when it is not known: Node's own server (no addon) asks the kernel
   * only after accepting, and the kernel names no peer of a connection reset before that (Python's
   * accept, which reads accept(2)'s address, still has it).
   */
  readonly from: Address | null;
  /** A code such as 'ECONNRESET' if the connection failed before accept took it. */
  failCode: string | null;
  /** Its local address when the listener's says it (welcoming.ts localOfAccepted), else null: asked of the OS when wanted. */
  readonly local: Address | null;
  /** SO_LINGER of the listening socket, which the connection inherits as Linux copies it; undefined: off. */
  linger?: number;
  /** accept found it waiting in the queue (not one that came while accept waited): what came meanwhile is asked at once (queued-news.ts). */
  queued?: true;
}
