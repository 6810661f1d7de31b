import type { Stmt } from '../lang/ast.js';
import type { Family } from '../engine/index.js';

/**
 * What a session recorded of the socket a statement made, as the engine made it: its name (used
 * for a statement without a target: udp1) and its address family (a shortcut picks IPv6 at run
 * time when HOST, perhaps a variable, is an IPv6 address).
 */
export interface MadeSocket {
  readonly name: string;
  readonly family: Family;
  /** The socket the statement's target named before moved aside to a new label (x → x2), still open. */
  readonly displaced?: { readonly from: string; readonly to: string };
}

/**
 * What `export` turns into Python: the chunks a REPL or piped session ran without error, in order,
 * and for each statement that made a socket, the name the engine gave it (udp1, tcp12) and the
 * address family it used.
 *
 * Both are recorded, not worked out again from the source: the engine reuses freed numbers, and
 * sockets made in loops, jobs, scripts and failed chunks take numbers the source does not show;
 * `tcp.connect $a` is IPv6 when the address in $a is, which only the running session knows.
 */
export class ExportLog {
  private readonly chunks: (readonly Stmt[])[] = [];
  /** Keyed by the statement itself: a statement run in a loop keeps the last socket it made. */
  private readonly sockets = new WeakMap<Stmt, MadeSocket>();

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

  /** The statement made this socket. */
  made(stmt: Stmt, socket: MadeSocket): void {
    this.sockets.set(stmt, socket);
  }

  /** The socket this statement made, as the engine made it; undefined if it made none here. */
  socket(stmt: Stmt): MadeSocket | undefined {
    return this.sockets.get(stmt);
  }
}
