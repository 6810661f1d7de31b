/**
 * The relay layer: a UDP or TCP relay between a listening address and a target, over real sockets,
 * with seeded impairments. It never prints; the relay command and `sockshell relay` drive it.
 */
import { startTcpRelay } from './tcp-relay.js';
import { startUdpRelay } from './udp-relay.js';
import type { HolderOf, Relay, RelaySink, RelaySpec } from './types.js';

/** holderOf: what of the shell holds an address, for the words of a bind refused at the relay's port. */
export function startRelay(spec: RelaySpec, sink: RelaySink, holderOf?: HolderOf): Promise<Relay> {
  return spec.transport === 'udp' ? startUdpRelay(spec, sink, holderOf) : startTcpRelay(spec, sink, holderOf);
}

export { HOLD_MS, MAX_CLIENTS } from './udp-relay.js';
export { QUEUE_LIMIT } from './pump.js';
export { freshSeed, seeded } from './prng.js';
export type * from './types.js';
