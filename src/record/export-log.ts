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

/** One chunk (a line, or a whole block) that ran to its end, as typed, with the sockets it used. */
export interface RanChunk {
  readonly program: readonly Stmt[];
  /** The text it was compiled from; `firstLine` is the line number its first line had. */
  readonly source: string;
  readonly firstLine: number;
  /** Engine serials of the sockets its socket calls acted on. */
  readonly touched: ReadonlySet<number>;
  /** Engine serials of the sockets it made, by the name each was made as. */
  readonly made: ReadonlyMap<number, string>;
}

/**
 * The record of what a REPL or piped session ran: the chunks that ran without error, in order, as
 * typed, and for each statement that made a socket, the name the engine gave it (udp1, tcp12) and
 * the address family it used. `export` turns it into Python and `save` into a .sock script: one
 * record, two writers.
 *
 * It is recorded, not worked out again from the source: the engine reuses freed numbers, and
 * sockets made in loops, jobs, scripts and failed chunks take numbers the source does not show;
 * `tcp.connect $a` is IPv6 when the address in $a is, which only the running session knows.
 */
export class ExportLog {
  private readonly log: RanChunk[] = [];
  /** Keyed by the statement itself: a statement run in a loop keeps the last socket it made. */
  private readonly sockets = new WeakMap<Stmt, MadeSocket>();
  /** What the chunk now running has used and made; kept only if it runs to its end. */
  private touching = new Set<number>();
  private making = new Map<number, string>();

  /** A chunk starts: what it touches is noted from here. */
  begin(): void {
    this.touching = new Set();
    this.making = new Map();
  }

  /** A chunk that ran to its end (a failed one is not kept: it would fail again, in Python or in a script). */
  add(program: readonly Stmt[], source = '', firstLine = 1): void {
    this.log.push({ program, source, firstLine, touched: this.touching, made: this.making });
    this.begin();
  }

  /** Every chunk recorded, oldest first. */
  chunks(): readonly RanChunk[] {
    return this.log;
  }

  /** Every statement recorded, oldest first. */
  program(): readonly Stmt[] {
    return this.log.flatMap((c) => c.program);
  }

  get empty(): boolean {
    return this.log.length === 0;
  }

  /** A socket call of the running chunk acted on this socket. */
  touch(serial: number): void {
    this.touching.add(serial);
  }

  /** The statement made this socket. */
  made(stmt: Stmt, socket: MadeSocket, serial?: number): void {
    this.sockets.set(stmt, socket);
    if (serial !== undefined) this.making.set(serial, stmt.kind === 'command' ? (stmt.targets[0]?.name ?? socket.name) : socket.name);
  }

  /** The socket this statement made, as the engine made it; undefined if it made none here. */
  socket(stmt: Stmt): MadeSocket | undefined {
    return this.sockets.get(stmt);
  }
}
