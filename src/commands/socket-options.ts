import type { SocketOption } from '../engine/types.js';

/** The options setsockopt accepts, by their Python names. */
export const SOCKET_OPTIONS: readonly SocketOption[] = [
  'SO_REUSEADDR',
  'SO_BROADCAST',
  'SO_KEEPALIVE',
  'TCP_NODELAY',
  'SO_RCVBUF',
  'SO_SNDBUF',
];
