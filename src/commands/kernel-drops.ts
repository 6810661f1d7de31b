import type { SocketHandle } from '../engine/types.js';
import type { SessionServices } from '../spec/services.js';
import type { CallContext } from '../spec/command.js';

/**
 * Datagrams the kernel dropped for a UDP socket (its receive buffer was full before the shell read
 * them): no engine event tells of them, so they are read when something asks (Engine.kernelDropped)
 * and said once per growth, as a warning that `explain` then explains. The shell's own queue's drops
 * are the engine's `dropped` events, worded apart.
 */

/** Per session: the count last said for each socket (by serial). */
const saidSoFar = new WeakMap<SessionServices, Map<number, number>>();

export function kernelDropText(socket: string, n: number): string {
  return `${socket}: the kernel dropped ${n} datagram${n === 1 ? '' : 's'} so far: they arrived while its receive buffer (SO_RCVBUF) was full, before the shell could read them; nobody is told, as UDP goes`;
}

/** The kernel's drops for every open UDP socket that has any, newest count each: for explain. */
export function kernelDrops(session: SessionServices): { socket: string; count: number }[] {
  const out: { socket: string; count: number }[] = [];
  for (const s of session.engine.list()) {
    if (s.transport !== 'udp') continue;
    const count = session.engine.kernelDropped(s) ?? 0;
    if (count > 0) out.push({ socket: s.name, count });
  }
  return out;
}

/** Warns when the kernel has dropped more datagrams for s than was last said, and keeps it for explain. */
export function tellKernelDrops(ctx: CallContext, s: SocketHandle): void {
  const count = ctx.session.engine.kernelDropped(s) ?? 0;
  let said = saidSoFar.get(ctx.session);
  if (said === undefined) saidSoFar.set(ctx.session, (said = new Map<number, number>()));
  if (count <= (said.get(s.serial) ?? 0)) return;
  said.set(s.serial, count);
  const text = kernelDropText(s.name, count);
  ctx.warn(text);
  ctx.session.trouble = { kind: 'dropped', message: text, unit: 'datagrams' };
}
