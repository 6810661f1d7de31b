import type { Transport } from '../engine/types.js';

/**
 * The last thing that went wrong in a session, whatever said so: what `explain` with no argument
 * explains. Each kind is something the user was shown: an error line, a warning, a notice about an
 * error that arrived between calls, or a waiting call cut short.
 */
export type Trouble =
  /** A statement failed: a socket error (with its code; unix: on a Unix domain socket) or another error (a bad argument: no code). */
  | { readonly kind: 'error'; readonly code: string | null; readonly message: string; readonly unix?: true }
  /** A line did not parse, or did not fit its command's usage: nothing of it ran. */
  | { readonly kind: 'syntax'; readonly message: string }
  /** recvfrom or recv on UDP cut a datagram to BUFSIZE (a warning). */
  | { readonly kind: 'truncated'; readonly message: string }
  /** close() on a connection with unread bytes sent a reset instead of a FIN (a warning). */
  | { readonly kind: 'reset'; readonly message: string }
  /** A UDP receive queue was full and dropped datagrams, or an accept queue and reset connections (a warning). */
  | { readonly kind: 'dropped'; readonly message: string; readonly unit: 'datagrams' | 'connections' }
  /** An error arrived while no call was waiting; the socket's next call reports it (a notice). */
  | { readonly kind: 'arrived'; readonly code: string; readonly socket: string }
  /** A waiting call was cut short: Ctrl-C, a killed job. `transport` is its socket's, when it had one. */
  | {
      readonly kind: 'cancelled';
      readonly call: string;
      readonly transport: Transport | null;
      /** Its socket had no local address: nothing could reach it (a UDP socket never bound). */
      readonly unbound?: true;
    };
