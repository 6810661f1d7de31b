import type { Stmt } from '../lang/ast.js';
import type { CommandDef } from '../spec/command.js';

/**
 * A statement that only shows something of the session: a bare `$x`, or a command whose table entry
 * says so (`sockets`, `help`, `hexdump`…) with no name assigned. A program is what does something, so
 * save leaves these out, and the prompt's export with it: both write the same program.
 */
export function onlyLooks(stmt: Stmt, table: ReadonlyMap<string, CommandDef>): boolean {
  if (stmt.kind === 'show') return true;
  return stmt.kind === 'command' && stmt.targets.length === 0 && table.get(stmt.call.name)?.onlyShows === true;
}
