/**
 * The relay layer: a UDP or TCP relay between a listening address and a target, over real sockets,
 * with seeded impairments. It never prints; the relay command and `sockshell relay` drive it.
 */
import { startTcpRelay } from './tcp-relay.js';
import { startUdpRelay } from './udp-relay.js';
import type { Relay, RelaySink, RelaySpec } from './types.js';

export function startRelay(spec: RelaySpec, sink: RelaySink): Promise<Relay> {
  return spec.transport === 'udp' ? startUdpRelay(spec, sink) : startTcpRelay(spec, sink);
}

export { HOLD_MS, MAX_CLIENTS } from './udp-relay.js';
export { QUEUE_LIMIT } from './pump.js';
export { freshSeed, seeded } from './prng.js';
export type * from './types.js';
