import type { Address } from '../engine/types.js';
import type { Exchange } from '../record/exchange.js';

/** How the ladder tells endpoints apart and puts the log in drawing order. */

const isAny = (host: string) => host === '0.0.0.0' || host === '::' || host === '';
const canonical = (host: string) => (host === 'localhost' ? '127.0.0.1' : host.replace(/^::ffff:/, ''));
/** An address as a key: one endpoint however it was written (::ffff:127.0.0.1 is 127.0.0.1). */
export const endpoint = (a: Address): string => `${canonical(a.host)}:${a.port}`;
const v6 = (host: string) => host.includes(':') && !host.startsWith('::ffff:');
/**
 * Could a packet for b reach a socket bound to a (or the other way round)? Same port, and the same
 * host or an any-address; an IPv4 socket never gets IPv6 traffic, and '::' gets both.
 */
export const same = (a: Address | null, b: Address | null) => {
  if (a === null || b === null || a.port !== b.port) return false;
  if (a.host !== '::' && b.host !== '::' && v6(a.host) !== v6(b.host)) return false;
  return canonical(a.host) === canonical(b.host) || isAny(a.host) || isAny(b.host);
};

/** How far after an accept the log may hold the connect of the same connection. */
const CONNECT_AFTER_ACCEPT = 64;

/**
 * The log in the order to draw it: a connection's handshake before the accept that returns it. The
 * log has calls in the order they finished, and an accept that was already waiting can finish before
 * the connect of the same connection does.
 */
export function handshakesFirst(exchanges: readonly Exchange[]): readonly Exchange[] {
  const out = [...exchanges];
  for (let i = 0; i < out.length; i++) {
    const e = out[i]!;
    if (e.kind !== 'accept') continue;
    const last = Math.min(out.length, i + 1 + CONNECT_AFTER_ACCEPT);
    for (let j = i + 1; j < last; j++) {
      const c = out[j]!;
      if (c.kind !== 'connect' || c.transport !== 'tcp' || !same(c.local, e.peer) || !same(c.remote, e.local)) continue;
      out.splice(j, 1);
      out.splice(i, 0, c);
      i++; // the accept is one place further on now
      break;
    }
  }
  return out;
}
