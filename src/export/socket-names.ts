import type { Stmt } from '../lang/ast.js';
import { NameTable } from '../engine/index.js';

/**
 * The Python variable for a socket that a statement makes without a target (`udp.bind 0`): the
 * name the shell gave it, so that later `udp1.close` lines find it.
 *
 * A session recorded those names as it ran (record/export-log.ts), and they are used as they
 * are. A script that was never run gets the names the engine would give: its own NameTable, the
 * lowest free number per kind, a number freed when its socket is closed. Sockets made in a loop
 * or an `if` make this a guess; a recorded session never guesses.
 */
export class SocketNames {
  private readonly table = new NameTable<true>();

  constructor(private readonly recorded?: (stmt: Stmt) => string | undefined) {}

  made(stmt: Stmt, command: string): string {
    const name = this.recorded?.(stmt) ?? this.table.free(undefined, prefix(command));
    this.table.set(name, true);
    return name;
  }

  closed(name: string): void {
    this.table.delete(name);
  }
}

/** udp1 for UDP sockets, conn1 for accepted ones, tcp1 for the other TCP sockets: the engine's prefixes. */
function prefix(command: string): string {
  return command === 'accept' ? 'conn' : command.startsWith('udp.') ? 'udp' : 'tcp';
}
