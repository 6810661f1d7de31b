/** What a notice about a socket's bytes knows of that socket: which it is, what it held then, and whether a transfer takes them. */

import type { Output } from '../core/output.js';
import type { Engine, EngineEvent, SocketHandle } from '../engine/types.js';

/** The open socket an event is about, by its label and serial (the label may name another socket since). */
function socketOf(engine: Engine, event: EngineEvent & { readonly socket: string }): SocketHandle | null {
  const handle = engine.lookup(event.socket);
  return handle !== null && handle.serial === event.serial ? handle : null;
}

/** A notice as the REPL holds it: its socket, and for bytes waiting, the bytes the socket held queued then (Output's queued). */
export function aboutSocket(engine: Engine, out: Extract<Output, { kind: 'notice' }>, event: EngineEvent): Output {
  if (event.kind !== 'received' && event.kind !== 'eof') return { ...out, serial: event.serial };
  const handle = socketOf(engine, event);
  return handle === null ? { ...out, serial: event.serial } : { ...out, serial: event.serial, queued: engine.info(handle).queued.bytes };
}

/**
 * A notice of bytes (or the FIN) waiting on a socket whose recvfile is under way: the transfer holds
 * the receive slot without waiting in it while it opens its file or writes, so the engine tells the
 * arrival as untaken; but the recvfile writes them to its file, and the notice, held until the
 * command ends, would then show bytes as waiting that are gone (user trial 4).
 */
export function takenByTransfer(engine: Engine, out: Output, event: EngineEvent): boolean {
  if (out.kind !== 'notice' || (event.kind !== 'received' && event.kind !== 'eof')) return false;
  const handle = socketOf(engine, event);
  return handle !== null && engine.info(handle).waiting === 'recvfile';
}
