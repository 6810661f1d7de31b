/**
 * What a TCP socket holds of its welcoming side, whichever holds the accept queue: the kernel
 * (kernel-listener.ts, where the addon is built) or Node's server (node-listener.ts: TLS, AF_UNIX,
 * and every TCP listener of a build without the addon).
 */
import type { Accepted } from './socket-core.js';
import type { Blocking } from './native.js';
import { anyAddress } from './resolve.js';
import type { Address } from './types.js';

/**
 * The local address of every connection a listener bound to one address accepts: that address (one
 * object for them all, and no getsockname). Null for a listener on the any-address, whose connections
 * each have the address the client reached, and for AF_UNIX.
 */
export function localOfAccepted(listening: Address): Address | null {
  return listening.family === 'unix' || listening.host === anyAddress(listening.family) ? null : listening;
}

export interface Welcoming {
  readonly local: Address;
  /** Connections reset because the accept queue was full. */
  readonly dropped: number;
  /** Connections waiting for accept. */
  readonly waiting: number;
  /** Whether closing resets the connections waiting for accept. */
  readonly resetsWaiting: boolean;
  /**
   * How many connections Python's kernel would hold for accept (backlog + 1) where this queue is Node's,
   * which takes every connection at once (accept-cap.ts); null where the queue is the kernel's own.
   */
  readonly kernelWouldHold: number | null;
  /** The oldest connection waiting for accept, or undefined. */
  take(): Accepted | undefined;
  /** The listening descriptor, or -1. */
  fd(): number;
  /** A waiting accept in the addon: 'again' when nothing came within the wait. */
  waitInAddon(blocking: Blocking): 'again' | 'done';
  /** Stops listening and resets connections nobody accepted. */
  close(): Promise<void>;
}
