import type { Selector, Stmt, Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import { select } from '../lang/select.js';
import { ownWords, statements, varReads } from '../lang/statements.js';
import type { ArgKind, CommandDef } from '../spec/command.js';
import { splitFlags } from '../spec/flags.js';
import type { RanChunk } from '../record/export-log.js';
import { assignedNames, portStandIns, type PortContext } from './port-stand-ins.js';
import { onlyLooks } from './only-looks.js';

/**
 * `save`: the record of what a session ran, written back as a .sock script that replays it. Each
 * statement keeps the text it was typed as (blocks stay blocks); statements that only looked
 * (`sockets`, `help`, `$x`…) are left out, since they show this session's state and a program is
 * what does something. A port the OS chose in this run, typed as a number, is written as the
 * variable that held it, or marked with a comment where none did.
 */
export interface SaveOptions extends PortContext {
  /** Keep only what involves these sockets (engine serials), the sockets they made, and what they need; null keeps all. */
  readonly sockets: ReadonlySet<number> | null;
  /** Comment lines for the top (without '# '); cutShort: the script keeps a chunk an error ended (RanChunk.cutShort). */
  readonly header: (cutShort: boolean) => readonly string[];
}

export interface SavedScript {
  readonly text: string;
  /** Statements written. */
  readonly statements: number;
  /** Lines marked as depending on this run. */
  readonly marked: number;
}

export function toSockScript(chunks: readonly RanChunk[], options: SaveOptions): SavedScript {
  const selected = options.sockets === null ? null : new Set(options.sockets);
  /** Names whose value only a left-out statement gave: a statement that reads one is left out too. */
  const leftOut = new Set<string>();
  /** Variables kept statements assigned, latest last: candidates to stand for an OS-chosen port. */
  const assigned: string[] = [];
  const out: string[] = [];
  let cutShort = false;
  let statements = 0;
  let marked = 0;
  /** Whether the last chunk that used a socket was kept: a chunk that uses none goes with it (a `print` after a bind belongs to that half). */
  let lastKept = true;
  /**
   * Whether the statement that started each job was kept, by job number as the record has it (RanChunk.jobs):
   * the session reuses a number once no job runs, so the latest start of a number is the one a later `kill` means.
   */
  const jobsKept = new Map<number, boolean>();
  for (const chunk of chunks) {
    const jobs = chunk.jobs ?? [];
    let nextJob = 0;
    let lastBackgroundKept: boolean | null = null;
    const socketless = chunk.touched.size === 0 && chunk.made.size === 0;
    const keepChunk: boolean = selected === null || (socketless ? lastKept : involves(chunk, selected));
    if (!socketless) lastKept = keepChunk;
    if (keepChunk && selected !== null) for (const serial of chunk.made.keys()) selected.add(serial);
    // A chunk that used a kept socket stays whole; values it read from the other half are written in.
    const usesKept = selected !== null && (chunk.touched.size > 0 || chunk.made.size > 0);
    for (const { stmt, text } of statementTexts(chunk)) {
      const needsOther = [...reads(stmt)].some((n) => leftOut.has(n));
      const job = jobNamed(stmt, options.table);
      // `kill %1` after a job the save left out would fail the replay ("no running job %1").
      const jobLeftOut = job !== null && jobsKept.get(job) === false;
      const keep = keepChunk && !onlyLooks(stmt, options.table) && (usesKept || !needsOther) && !jobLeftOut;
      for (let n = backgrounds(stmt); n > 0; n--) {
        const started = jobs[nextJob++];
        if (started !== undefined) jobsKept.set(started, keep);
        lastBackgroundKept = keep;
      }
      const targets = assignedNames(stmt);
      if (!keep) {
        if (!onlyLooks(stmt, options.table)) for (const t of targets) leftOut.add(t);
        continue;
      }
      const written = standIns(stmt, text, assigned, leftOut, options);
      marked += written.marks.length;
      out.push(...written.marks.map((m) => `# depends on this run: ${m}`), written.text);
      statements++;
      if (chunk.cutShort) cutShort = true;
      for (const t of targets) {
        leftOut.delete(t);
        assigned.push(t);
      }
    }
    // A `... &` in a loop started a job each turn: the starts past its statements are that statement's again.
    if (lastBackgroundKept !== null) for (const started of jobs.slice(nextJob)) jobsKept.set(started, lastBackgroundKept);
  }
  const header = options.header(cutShort).map((h) => `# ${h}`);
  return { text: [...header, ...out].join('\n') + '\n', statements, marked };
}

/**
 * The job a statement names (`kill %1`, `wait 2`): a command whose first argument is a JOB, typed as a
 * number. Null for any other statement, or a job given by a variable.
 */
function jobNamed(stmt: Stmt, table: ReadonlyMap<string, CommandDef>): number | null {
  if (stmt.kind !== 'command') return null;
  const def = table.get(stmt.call.name);
  if (def === undefined || !def.forms.some((f) => f[0]?.kind === 'job')) return null;
  const word = splitFlags(def, stmt.call.args).positional[0];
  const m = word?.kind === 'literal' ? /^%?(\d+)$/.exec(word.text) : null;
  return m ? Number(m[1]) : null;
}

/** How many background statements (`... &`) a statement is or holds (a block's body too). */
function backgrounds(stmt: Stmt): number {
  let n = 0;
  for (const s of statements([stmt])) if (s.kind === 'command' && s.background) n++;
  return n;
}

function involves(chunk: RanChunk, selected: ReadonlySet<number>): boolean {
  for (const s of chunk.touched) if (selected.has(s)) return true;
  for (const s of chunk.made.keys()) if (selected.has(s)) return true;
  return false;
}

/** Each top-level statement of a chunk with its lines as typed (a block with its body and `end`). */
function statementTexts(chunk: RanChunk): { stmt: Stmt; text: string }[] {
  const lines = chunk.source.split('\n');
  return chunk.program.map((stmt, i) => {
    const start = stmt.span.line - chunk.firstLine;
    const next = chunk.program[i + 1];
    const end = next === undefined ? lines.length : next.span.line - chunk.firstLine;
    const own = lines.slice(start, end);
    // Blank and comment lines after a statement belong to no statement; a block's inner ones stay.
    while (own.length > 1 && /^\s*(#.*)?$/.test(own[own.length - 1]!)) own.pop();
    return { stmt, text: indented(own).join('\n').trimEnd() };
  });
}

/**
 * A block's lines indented two spaces a level, as a script is written, whatever the typing had (the
 * prompt's `...` lines have none: a saved `while` body sat flush with its head; trial 4).
 */
function indented(lines: readonly string[]): string[] {
  if (lines.length < 2) return [...lines];
  let depth = 0;
  return lines.map((line) => {
    const text = line.trim();
    const head = /^\S+/.exec(text)?.[0] ?? '';
    if (head === 'end' || head === 'else' || head === 'elif') depth = Math.max(0, depth - 1);
    const out = text === '' ? '' : `${'  '.repeat(depth)}${text}`;
    if (BLOCK_HEADS.has(head)) depth++;
    return out;
  });
}

/** The first words that open a level of a block (else and elif close the one before them). */
const BLOCK_HEADS: ReadonlySet<string> = new Set(['while', 'repeat', 'if', 'elif', 'else']);

/** The variables a statement reads ($name, anywhere in it, its body included; NAME in NAME.call too). */
function reads(stmt: Stmt): Set<string> {
  const names = new Set<string>();
  for (const s of statements([stmt])) {
    if (s.kind === 'command' && s.call.target) names.add(s.call.target.name);
    for (const w of ownWords(s)) for (const use of varReads(w)) names.add(use.name);
  }
  return names;
}

/**
 * The statement's text with each OS-chosen port it typed replaced by the variable that held it:
 * `HOST PORT` becomes `$addr` where the command also takes an ADDRESS there, a lone port `$addr[1]`.
 * Only top-level commands are rewritten; a port nobody held is left as typed and marked.
 */
function standIns(
  stmt: Stmt,
  text: string,
  assigned: readonly string[],
  leftOut: ReadonlySet<string>,
  options: SaveOptions,
): { text: string; marks: string[] } {
  if (stmt.kind !== 'command') return { text, marks: [] };
  const def = options.table.get(stmt.call.name);
  if (!def) return { text, marks: [] };
  const { positional } = splitFlags(def, stmt.call.args);
  const form = def.forms.find((f) => f.length === positional.length || (f.length > 0 && f[f.length - 1]!.rest === true));
  if (!form) return { text, marks: [] };
  const kindAt = (i: number): ArgKind | undefined => form[Math.min(i, form.length - 1)]?.kind;
  const edits: { word: Word; until: Word; by: string }[] = [];
  const marks: string[] = [];
  const ephemeral = (port: number): boolean => port >= options.ephemeral[0] && port <= options.ephemeral[1];
  for (const [i, w] of positional.entries()) {
    // A value the other half of the session made: written in as it is now.
    if (w.kind !== 'var' || !leftOut.has(w.name)) continue;
    const value = itemOf(options.variable(w.name), w.path);
    const literal = value === undefined ? null : literalOf(value, kindAt(i));
    if (literal === null) {
      marks.push(`$${w.name} came from the other half of the session`);
      continue;
    }
    edits.push({ word: w, until: w, by: literal.text });
    if (literal.port !== null && ephemeral(literal.port)) marks.push(`port ${literal.port} is one the OS chose for that session`);
  }
  const ports = portStandIns(stmt, assigned, options);
  for (const s of ports.standIns) edits.push({ word: s.from, until: s.until, by: `$${s.name}${s.path.length > 0 ? '[1]' : ''}` });
  marks.push(...ports.unheld.map((port) => `port ${port} is one the OS chose for that session`));
  edits.sort((a, b) => a.word.span.line - b.word.span.line || a.word.span.col - b.word.span.col);
  if (edits.length === 0) return { text, marks };
  const lines = text.split('\n');
  // Right to left, so earlier columns stay where they were.
  for (const e of edits.reverse()) {
    const row = e.word.span.line - stmt.span.line;
    const line = lines[row];
    if (line === undefined || e.until.span.line !== e.word.span.line) continue;
    const from = e.word.span.col - 1;
    const to = e.until.span.col - 1 + e.until.span.width;
    lines[row] = line.slice(0, from) + e.by + line.slice(to);
  }
  return { text: lines.join('\n'), marks };
}

/** `$name[...]`'s value, as the interpreter reads it (lang/select.ts); undefined where it would fail. */
function itemOf(value: Value | undefined, path: readonly Selector[] | undefined): Value | undefined {
  for (const s of path ?? []) {
    if (value === undefined) return undefined;
    const picked = select(value, s);
    value = typeof picked === 'string' ? undefined : picked;
  }
  return value;
}

/** A value written as words a script reads back the same, where a value of that kind is expected; null if it has none. */
function literalOf(value: Value, kind: ArgKind | undefined): { text: string; port: number | null } | null {
  switch (value.kind) {
    case 'address':
      return kind === 'address' ? { text: `${value.address.host} ${value.address.port}`, port: value.address.port } : null;
    case 'int':
      return { text: String(value.value), port: kind === 'port' ? value.value : null };
    case 'str':
      return { text: /^[\w.:/@+-]+$/.test(value.value) ? value.value : JSON.stringify(value.value), port: null };
    case 'none':
    case 'bool':
    case 'float':
    case 'bytes':
    case 'socket':
    case 'tuple':
      return null;
    default: {
      const never: never = value;
      return never;
    }
  }
}
