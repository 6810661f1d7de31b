/**
 * TCP's socket options (options.ts has the table): what setsockopt set, kept for a connection yet to
 * come (a client's options before connect) and applied to the one there is. Setting an option on a
 * connection needs Node's socket, so a bare descriptor (tcp-end.ts) is handed to one for it; an
 * option with nothing to do (SO_REUSEADDR: Node's listen sets it) touches nothing.
 */
import type { Socket as NetSocket } from 'node:net';
import type { OptionOf } from './options.js';

export class TcpOptions {
  private keepAlive = false;
  private noDelay = false;

  /** Records option = value; `raw` gives the connection's Node socket when there is a connection. */
  set(option: OptionOf<'tcp'>, value: number, raw: (() => NetSocket) | null): void {
    const on = value !== 0;
    switch (option) {
      case 'SO_REUSEADDR':
        return; // Node's listen sets SO_REUSEADDR itself, so a restarted server can rebind at once
      case 'SO_KEEPALIVE':
        this.keepAlive = on;
        raw?.().setKeepAlive(on);
        return;
      case 'TCP_NODELAY':
        this.noDelay = on;
        raw?.().setNoDelay(on);
        return;
      default: {
        const exhaustive: never = option;
        return exhaustive;
      }
    }
  }

  /** Applies the options set before the connection existed (connect's new socket). */
  applyTo(raw: NetSocket): void {
    if (this.noDelay) raw.setNoDelay(true);
    if (this.keepAlive) raw.setKeepAlive(true);
  }
}
