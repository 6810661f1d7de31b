/**
 * The TCP socket options Node can set, kept while the socket has no connection yet and applied to
 * the connection when it has one (and again by connect, from `options`).
 */
import type { Socket as NetSocket } from 'node:net';
import type { OptionOf } from './options.js';

export interface TcpOptions {
  keepAlive: boolean;
  noDelay: boolean;
}

/** setsockopt on a TCP socket (the caller checked the option applies to TCP). */
export function setTcpOption(options: TcpOptions, raw: NetSocket | undefined, option: OptionOf<'tcp'>, on: boolean): void {
  switch (option) {
    case 'SO_REUSEADDR':
      return; // Node's listen sets SO_REUSEADDR itself, so a restarted server can rebind at once
    case 'SO_KEEPALIVE':
      options.keepAlive = on;
      raw?.setKeepAlive(on);
      return;
    case 'TCP_NODELAY':
      options.noDelay = on;
      raw?.setNoDelay(on);
      return;
    default: {
      const exhaustive: never = option;
      return exhaustive;
    }
  }
}
