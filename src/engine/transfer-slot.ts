/** A file transfer's hold on its socket's wait slot for the whole transfer: the checks every blocking call makes, its waits, and EBADF once the socket is closed. */

import type { BaseSocket } from './base.js';
import { SocketError } from './errors.js';
import type { Stream } from './tcp-stream.js';
import type { TransferOptions } from './types.js';

/** Claims the slot for the whole transfer, after the checks every blocking call makes. */
export function beginTransfer(
  owner: BaseSocket,
  slot: BaseSocket['reader'],
  call: string,
  options: TransferOptions,
  stream: () => Stream,
): Stream {
  owner.checkSlot(slot, call);
  const conn = stream();
  if (owner.timeout === 0) throw new SocketError('EAGAIN', call, { socket: owner.name }); // Python refuses non-blocking sockets too
  slot.begin(call, owner.name, owner.timeout, options);
  return conn;
}

/** Sleeps until the socket wakes the slot; EBADF if it was closed meanwhile. */
export async function pause(owner: BaseSocket, slot: BaseSocket['reader'], call: string): Promise<void> {
  await slot.sleep();
  owner.checkOpen(call);
}

/**
 * Lets the event loop turn once (its timers, signals and other sockets), for a fast path that waited
 * in the addon for a slice, or until the loop needed to run; then the call's timeout, Ctrl-C or close.
 */
export async function turn(owner: BaseSocket, slot: BaseSocket['reader'], call: string): Promise<void> {
  // A timer's turn, not an immediate's: while immediates run the loop says it has work, and the next wait would end at once.
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  owner.checkOpen(call);
  slot.throwFailure();
}
