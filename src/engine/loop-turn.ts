/**
 * A promise that resolves once the event loop has polled its descriptors after now and run what they
 * had: what the kernel held for a socket when this was called has by then been read by Node and told.
 * For what cannot be asked synchronously (a UDP socket without the addon: Node has no call that reads
 * a datagram's sender or a socket's pending error outside its own read). One setImmediate may run in
 * this very turn's check phase, before any poll (a call made from a poll callback, as a piped line's
 * is); the second runs in the check phase of the next turn, whose poll came first.
 */
export function loopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
