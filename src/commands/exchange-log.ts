import type { Address, SocketHandle } from '../engine/types.js';
import { preview } from '../session/exchanges.js';
import type { CallContext } from './types.js';

/** What the data-moving socket calls record for `diagram`, as the application saw it. */

/** Logs a send for `diagram`: where it went (the connection's peer when `to` is null). */
export function sent(ctx: CallContext, s: SocketHandle, call: string, data: Buffer, to: { host: string; port: number } | null): void {
  const info = ctx.session.engine.info(s);
  const dest = to ? { ...to, family: info.family } : info.peer;
  ctx.session.exchanges.add({ kind: 'send', socket: s.name, transport: info.transport, call, local: info.local, to: dest, bytes: data.length, preview: preview(data) });
}

export function received(ctx: CallContext, s: SocketHandle, call: string, data: Buffer, from: Address | null): void {
  const info = ctx.session.engine.info(s);
  ctx.session.exchanges.add({ kind: 'recv', socket: s.name, transport: info.transport, call, local: info.local, from: from ?? info.peer, bytes: data.length, preview: preview(data) });
}

