import { literalFamily, resolveHost, toSocketError } from '../engine/index.js';
import type { Address, Family, Transport } from '../engine/types.js';
import type { Endpoint, HolderOf } from './types.js';

/** The family a host is in: its literal's, else IPv4 (a name resolves as an AF_INET socket's would). */
export const familyOf = (host: string): Family => literalFamily(host) ?? 4;

/** An endpoint with its host resolved (localhost → 127.0.0.1; '' → every interface). */
export async function resolved(ep: Endpoint): Promise<Address> {
  const family = familyOf(ep.host);
  const host = await resolveHost(ep.host, family, 'relay', 'relay', ep.port);
  return { host, port: ep.port, family };
}

/** An address as Node reports a peer or a bound socket. */
export function nodeAddress(a: { address: string; port: number; family: string | number }): Address {
  return { host: a.address, port: a.port, family: a.family === 'IPv6' || a.family === 6 ? 6 : 4 };
}

/** A Node error from one of the relay's own sockets, worded as the shell words socket errors; a port in use names its holder of the shell (holderOf). */
export function relayError(err: unknown, at: Address, transport: Transport, holderOf?: HolderOf): Error {
  const held = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? (holderOf?.(transport, at) ?? null) : null;
  return toSocketError(err, 'relay', { socket: 'relay', host: at.host, port: at.port, family: at.family, transport, ...held });
}

/** A key for a peer address: one per client. */
export const keyOf = (a: Address): string => `${a.host}|${a.port}`;
