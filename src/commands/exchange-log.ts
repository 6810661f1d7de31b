import type { Address, Family, SocketHandle } from '../engine/types.js';
import type { CallContext } from '../spec/command.js';

/**
 * What the data-moving socket calls record for `diagram`, as the application saw it. Both run on
 * every send and recv, so they ask the engine for endpoints() (not the whole info()) and hand the log
 * fields rather than an object: the log keeps them in records it reuses. A socket closed (by a job)
 * after the call completed is not logged: the call itself succeeded, and says so.
 */

/** Logs a send for `diagram`: where it went (the connection's peer when `to` is null). */
export function sent(
  ctx: CallContext,
  s: SocketHandle,
  call: string,
  data: Buffer,
  to: { host: string; port: number; family?: Family } | null,
): void {
  const at = ctx.session.engine.endpoints(s);
  if (at === null) return;
  const dest = to === null ? at.peer : to.family === undefined ? { host: to.host, port: to.port, family: at.family } : (to as Address);
  ctx.session.exchanges.data('send', s, at.transport, call, at.local, dest, data);
}

export function received(ctx: CallContext, s: SocketHandle, call: string, data: Buffer, from: Address | null): void {
  const at = ctx.session.engine.endpoints(s);
  if (at === null) return;
  ctx.session.exchanges.data('recv', s, at.transport, call, at.local, from ?? at.peer, data);
}
