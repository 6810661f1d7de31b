/** For export: the sockets commands make, as the session's record needs them (the engine's name, the family, a label moved aside). */

import type { SocketHandle } from '../engine/types.js';
import type { Value } from '../lang/values.js';
import type { SessionServices } from '../spec/services.js';
import type { CommandStmt } from './caller.js';
import type { VarScope } from './scope.js';

/** A socket a statement's first target held before it ran, and its label then: a new socket may take the label. */
export interface Holder {
  readonly handle: SocketHandle;
  readonly label: string;
}

/** The socket a statement's first target holds before it runs (a new socket may take its label), for export. */
export function holderOf(stmt: CommandStmt, scope: VarScope): Holder | null {
  const name = stmt.targets[0]?.name;
  const v = name !== undefined && scope.has(name) ? scope.get(name, stmt.span) : null;
  return v?.kind === 'socket' ? { handle: v.handle, label: v.handle.name } : null;
}

/**
 * Export needs what the engine made: the name of a socket made without a target (udp1), and the
 * family of every socket made (a shortcut chooses it at run time from HOST's value). held: holderOf
 * the statement, before it ran.
 */
export function recordSocket(session: SessionServices, stmt: CommandStmt, result: Value, held: Holder | null): void {
  const made = result.kind === 'tuple' ? result.items[0] : result; // accept: (socket, address)
  if (made?.kind !== 'socket') return;
  const family = session.engine.endpoints(made.handle)?.family;
  if (family === undefined) return;
  // The socket the target held lives on under a new label: Python needs a variable of that name too.
  const moved = held !== null && held.handle.name !== held.label && session.engine.endpoints(held.handle) !== null;
  const displaced = moved ? { from: held.label, to: held.handle.name } : undefined;
  session.ran.made(
    stmt,
    displaced ? { name: made.handle.name, family, displaced } : { name: made.handle.name, family },
    made.handle.serial,
  );
}
