import type { Stmt } from '../lang/ast.js';

/**
 * What `export` turns into Python: the chunks a REPL or piped session ran without error, in order,
 * and the name the engine gave each socket that a statement made without a target (udp1, tcp12).
 *
 * The names are recorded, not worked out again from the source: the engine reuses freed numbers,
 * and sockets made in loops, jobs, scripts and failed chunks take numbers the source does not show.
 */
export class ExportLog {
  private readonly chunks: (readonly Stmt[])[] = [];
  /** Keyed by the statement itself: a statement run in a loop keeps the last name it was given. */
  private readonly names = new WeakMap<Stmt, string>();

  /** A chunk that ran to its end (a failed one is not exported: it would fail again in Python). */
  add(program: readonly Stmt[]): void {
    this.chunks.push(program);
  }

  /** Every statement recorded, oldest first. */
  program(): readonly Stmt[] {
    return this.chunks.flat();
  }

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  /** A statement with no target made a socket, which the engine named `socket`. */
  named(stmt: Stmt, socket: string): void {
    this.names.set(stmt, socket);
  }

  /** The engine's name for the socket this statement made; undefined if it was never run here. */
  socketName(stmt: Stmt): string | undefined {
    return this.names.get(stmt);
  }
}
