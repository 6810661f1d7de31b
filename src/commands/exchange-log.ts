import type { Address, SocketHandle } from '../engine/types.js';
import { preview } from '../session/exchanges.js';
import type { CallContext } from './types.js';

/** What the data-moving socket calls record for `diagram`, as the application saw it. */

// Both run on every send and recv, so they ask the engine for endpoints() (not the whole info()) and
// spell objects out: an object spread here cost more than the rest of the round trip's logging.

/** Logs a send for `diagram`: where it went (the connection's peer when `to` is null). */
export function sent(ctx: CallContext, s: SocketHandle, call: string, data: Buffer, to: { host: string; port: number } | null): void {
  const at = ctx.session.engine.endpoints(s);
  const dest = to ? { host: to.host, port: to.port, family: at.family } : at.peer;
  ctx.session.exchanges.add({ kind: 'send', socket: s.name, transport: at.transport, call, local: at.local, to: dest, bytes: data.length, preview: preview(data) });
}

export function received(ctx: CallContext, s: SocketHandle, call: string, data: Buffer, from: Address | null): void {
  const at = ctx.session.engine.endpoints(s);
  ctx.session.exchanges.add({ kind: 'recv', socket: s.name, transport: at.transport, call, local: at.local, from: from ?? at.peer, bytes: data.length, preview: preview(data) });
}

