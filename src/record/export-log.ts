import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Span, Stmt } from '../lang/ast.js';
import { statements } from '../lang/statements.js';
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
  /** An error ended it: it is kept as the calls an interact made before the error (ranAs), which do not meet it again. */
  readonly cutShort?: true;
  /** The numbers of the jobs its `... &` statements started, in the order they started (a number is reused once no job runs). */
  readonly jobs?: readonly number[];
  /** A chunk of one socket call that failed: the exception Python's call raises, and the shell's words (export keeps it; save does not). */
  readonly failed?: Failed;
}

/** A socket call that failed as it ran: the exception Python's raises, and the shell's words for it. */
export interface Failed {
  readonly python: string;
  readonly message: string;
}

/** Compiles a chunk's source again, as it compiled when it ran: how spilled chunks come back. */
export type Reparse = (source: string, firstLine: number) => readonly Stmt[];

/**
 * The record of what a REPL or piped session ran: the chunks that ran without error (and an interact an
 * error ended, as the calls it made before it), in order, as
 * typed, and for each statement that made a socket, the name the engine gave it (udp1, tcp12) and
 * the address family it used. `export` turns it into Python and `save` into a .sock script: one
 * record, two writers.
 *
 * It is recorded, not worked out again from the source: the engine reuses freed numbers, and
 * sockets made in loops, jobs, scripts and failed chunks take numbers the source does not show;
 * `tcp.connect $a` is IPv6 when the address in $a is, which only the running session knows.
 *
 * Bounded memory: a chunk in memory costs 2-3.5 KB (its tree), so a session of 100,000 statements
 * held 200 MB. Past KEPT chunks the oldest are spilled to an unlinked temporary file as their source
 * and what they made (SpilledChunk) and compiled again (`reparse`) when `export` or `save` reads
 * them, which they do rarely. The file has no name once open, so nothing is left behind however the
 * process ends; `close` frees it.
 */
export class ExportLog {
  /** The newest chunks, in memory; older ones are in `spill`. */
  private readonly log: RanChunk[] = [];
  private readonly spill = new SpillFile();
  /** The statements of failed chunks (add's failed), for export. */
  private readonly failures = new WeakMap<Stmt, Failed>();
  /** Keyed by the statement itself: a statement run in a loop keeps the last socket it made. */
  private readonly sockets = new WeakMap<Stmt, MadeSocket>();
  /** What the chunk now running has used and made; kept only if it runs to its end. */
  private touching = new Set<number>();
  private making = new Map<number, string>();
  private starting: number[] = [];
  /** The running chunk's statement that ran as other statements (ranAs): where its name was, and their text. */
  private standIn: { readonly line: number; readonly col: number; readonly name: string; readonly source: string } | null = null;

  constructor(private readonly reparse: Reparse = () => []) {}

  /** A chunk starts: what it touches is noted from here. */
  begin(): void {
    this.touching = new Set();
    this.making = new Map();
    this.starting = [];
    this.standIn = null;
  }

  /**
   * The running chunk's command `name`, whose name is at `at`, is to be recorded as `source` (statements,
   * one a line) rather than as typed: a command that was a conversation (interact: what it sent and
   * read) is saved and exported as the calls that do it again. It applies where the chunk is that one
   * statement, as a line typed at the prompt is; inside a block (a loop turn, an if) the typed text stays.
   */
  ranAs(at: Span, name: string, source: string): void {
    this.standIn = { line: at.line, col: at.col, name, source };
  }

  /** The running chunk is one statement that ran as others (ranAs): kept even when cancelled, as Ctrl-C is how interact ends. */
  standsIn(program: readonly Stmt[]): boolean {
    const stand = this.standIn;
    const only = program.length === 1 ? program[0]! : null;
    if (stand === null || only?.kind !== 'command' || only.call.name !== stand.name) return false;
    return only.call.nameSpan.line === stand.line && only.call.nameSpan.col === stand.col;
  }

  /**
   * A chunk that ran to its end; one that stood in for its calls (ranAs) and an error ended (cutShort);
   * or, failed, one socket call the OS refused (kept for export, which writes it in a try: what it took
   * from the socket shapes the calls after it). Other failed chunks are not kept: they would fail again,
   * in Python or in a script, and nothing of them reached a socket.
   */
  add(program: readonly Stmt[], source = '', firstLine = 1, ended: { cutShort?: true; failed?: Failed } = {}): void {
    if (this.standIn !== null && this.standsIn(program)) {
      source = this.standIn.source;
      program = this.reparse(source, 1);
      firstLine = 1;
    }
    const jobs = this.starting;
    const { cutShort, failed } = ended;
    this.log.push({
      program,
      source,
      firstLine,
      touched: this.touching,
      made: this.making,
      ...(cutShort && { cutShort }),
      ...(jobs.length > 0 && { jobs }),
      ...(failed && { failed }),
    });
    if (failed !== undefined) this.failures.set(program[0]!, failed);
    this.begin();
    if (this.log.length >= 2 * KEPT) this.spill.append(this.log.splice(0, KEPT).map((c) => this.flatten(c)));
  }

  /** Every chunk recorded, oldest first (spilled ones compiled again: new trees each call). */
  chunks(): readonly RanChunk[] {
    return [...this.spill.read().map((c) => this.restore(c)), ...this.log];
  }

  /** Every statement recorded, oldest first. */
  program(): readonly Stmt[] {
    return this.chunks().flatMap((c) => c.program);
  }

  get empty(): boolean {
    return this.log.length === 0 && this.spill.count === 0;
  }

  /** How many chunks are on disk rather than in memory (for tests). */
  get spilled(): number {
    return this.spill.count;
  }

  /** A socket call of the running chunk acted on this socket. */
  touch(serial: number): void {
    this.touching.add(serial);
  }

  /** A `... &` of the running chunk started this job. */
  started(job: number): void {
    this.starting.push(job);
  }

  /** The statement made this socket. */
  made(stmt: Stmt, socket: MadeSocket, serial?: number): void {
    this.sockets.set(stmt, socket);
    if (serial !== undefined) this.making.set(serial, stmt.kind === 'command' ? (stmt.targets[0]?.name ?? socket.name) : socket.name);
  }

  /** How this statement failed when it ran, if it was a socket call kept failing (add's failed). */
  failure(stmt: Stmt): Failed | undefined {
    return this.failures.get(stmt);
  }

  /** The socket this statement made, as the engine made it; undefined if it made none here. */
  socket(stmt: Stmt): MadeSocket | undefined {
    return this.sockets.get(stmt);
  }

  /** The session ends: frees the spill file, and what was spilled with it. */
  close(): void {
    this.spill.close();
  }

  private flatten(chunk: RanChunk): SpilledChunk {
    const sockets: [number, MadeSocket][] = [];
    statements(chunk.program).forEach((stmt, i) => {
      const made = this.sockets.get(stmt);
      if (made !== undefined) sockets.push([i, made]);
    });
    const { source, firstLine, cutShort, jobs, failed } = chunk;
    return {
      source,
      firstLine,
      touched: [...chunk.touched],
      made: [...chunk.made],
      sockets,
      ...(cutShort && { cutShort }),
      ...(jobs && { jobs }),
      ...(failed && { failed }),
    };
  }

  private restore(chunk: SpilledChunk): RanChunk {
    const program = this.reparse(chunk.source, chunk.firstLine);
    const all = statements(program);
    for (const [i, made] of chunk.sockets) if (all[i] !== undefined) this.sockets.set(all[i], made);
    const { source, firstLine, cutShort, jobs, failed } = chunk;
    if (failed !== undefined && program[0] !== undefined) this.failures.set(program[0], failed);
    return {
      program,
      source,
      firstLine,
      touched: new Set(chunk.touched),
      made: new Map(chunk.made),
      ...(cutShort && { cutShort }),
      ...(jobs && { jobs }),
      ...(failed && { failed }),
    };
  }
}

/** Chunks kept in memory: between KEPT and 2 × KEPT (spilled KEPT at a time, one write each). */
const KEPT = 1000;

/** A chunk as the spill file keeps it: one line of JSON. Its statements are numbered in `statements` (source) order. */
interface SpilledChunk {
  readonly source: string;
  readonly firstLine: number;
  readonly touched: readonly number[];
  readonly made: readonly (readonly [number, string])[];
  readonly sockets: readonly (readonly [number, MadeSocket])[];
  readonly cutShort?: true;
  readonly jobs?: readonly number[];
  readonly failed?: Failed;
}

/** Lines of JSON appended to a temporary file that was unlinked as soon as it was opened (mode 0600). */
class SpillFile {
  private fd: number | null = null;
  private size = 0;
  count = 0;

  append(chunks: readonly SpilledChunk[]): void {
    if (this.fd === null) {
      const dir = mkdtempSync(join(tmpdir(), 'sockshell-log-'));
      const path = join(dir, 'ran.jsonl');
      this.fd = openSync(path, 'w+', 0o600);
      rmSync(dir, { recursive: true });
    }
    const text = Buffer.from(chunks.map((c) => JSON.stringify(c) + '\n').join(''));
    writeSync(this.fd, text, 0, text.length, this.size);
    this.size += text.length;
    this.count += chunks.length;
  }

  /** Every chunk in the file, read a block at a time (the whole file as one string could pass V8's limit). */
  read(): SpilledChunk[] {
    const chunks: SpilledChunk[] = [];
    if (this.fd === null) return chunks;
    const block = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8'); // a character may straddle two blocks
    let partial = '';
    for (let at = 0; at < this.size;) {
      const n = readSync(this.fd, block, 0, Math.min(block.length, this.size - at), at);
      at += n;
      const lines = (partial + decoder.write(block.subarray(0, n))).split('\n');
      partial = lines.pop()!;
      for (const line of lines) chunks.push(JSON.parse(line) as SpilledChunk);
    }
    return chunks;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.size = 0;
    this.count = 0;
  }
}
