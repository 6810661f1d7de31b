import type { Address } from '../engine/types.js';

/**
 * ADDRESS as the one argument in place of HOST PORT (connect, sendto, tcp.connect): the error for
 * anything else names both ways of writing it.
 */
export const ADDRESS = {
  name: 'ADDRESS',
  kind: 'address',
  what: 'HOST PORT, or one address as recvfrom, accept and getsockname return',
} as const;

/** Where a call with forms [HOST, PORT] and [ADDRESS] sends: one of the two was given, as the forms require. */
export function destination(a: {
  readonly ADDRESS?: Address;
  readonly HOST?: string;
  readonly PORT?: number;
}): Address | { host: string; port: number } {
  return a.ADDRESS ?? { host: a.HOST!, port: a.PORT! };
}
