import type { Stmt, Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import { statements } from '../lang/statements.js';
import type { ArgKind, CommandDef } from '../spec/command.js';
import { splitFlags } from '../spec/flags.js';

/**
 * Ports the OS chose in a session, typed back as numbers (`c.sendto hi 127.0.0.1 41135` after
 * `a = s.getsockname` showed 41135): a program that runs again gets another port, so save and
 * export write the variable that held the port instead. One finder, two writers: save edits the
 * typed text, export the statement's words.
 */
export interface PortLookup {
  readonly table: ReadonlyMap<string, CommandDef>;
  /** A variable's value now: it stands for an OS-chosen port when it holds that port. */
  readonly variable: (name: string) => Value | undefined;
  /** Ports the OS hands out itself: a number in this range typed as a port came from this run. */
  readonly ephemeral: readonly [number, number];
}

/** Words `word` to `until` (one word, or HOST PORT) of a statement to be written as `$name` or `$name[1]`. */
export interface PortStandIn {
  readonly word: Word;
  readonly until: Word;
  readonly name: string;
  /** `$name[1]`: the port of the address the variable holds. */
  readonly item: boolean;
}

/** A top-level command's words: the form its positional words fit, and the kind of each. */
export function positionalKinds(
  stmt: Stmt,
  table: ReadonlyMap<string, CommandDef>,
): { def: CommandDef; positional: readonly Word[]; kindAt: (i: number) => ArgKind | undefined } | null {
  if (stmt.kind !== 'command') return null;
  const def = table.get(stmt.call.name);
  if (!def) return null;
  const { positional } = splitFlags(def, stmt.call.args);
  const form = def.forms.find((f) => f.length === positional.length || (f.length > 0 && f[f.length - 1]!.rest === true));
  if (!form) return null;
  return { def, positional, kindAt: (i) => form[Math.min(i, form.length - 1)]?.kind };
}

/**
 * Each OS-chosen port the statement types, with the variable (latest of `assigned` first) that holds
 * it: `HOST PORT` becomes `$addr` where the command also takes an ADDRESS there, a lone port `$addr[1]`
 * (or `$p` for a variable holding the number). `unheld`: the ports no variable held.
 */
export function portStandIns(stmt: Stmt, assigned: readonly string[], lookup: PortLookup): { standIns: PortStandIn[]; unheld: number[] } {
  const standIns: PortStandIn[] = [];
  const unheld: number[] = [];
  const words = positionalKinds(stmt, lookup.table);
  if (words === null) return { standIns, unheld };
  const { def, positional, kindAt } = words;
  for (const [i, w] of positional.entries()) {
    if (kindAt(i) !== 'port' || w.kind !== 'literal' || !/^\d+$/.test(w.text)) continue;
    const port = Number(w.text);
    if (port < lookup.ephemeral[0] || port > lookup.ephemeral[1]) continue;
    const host = i > 0 && kindAt(i - 1) === 'host' ? positional[i - 1] : undefined;
    const takesAddress = def.forms.some((f) => f.length === positional.length - 1 && f[i - 1]?.kind === 'address');
    const holder = [...assigned].reverse().find((name) => holds(lookup.variable(name), port));
    if (holder === undefined) {
      unheld.push(port);
      continue;
    }
    const value = lookup.variable(holder);
    if (value?.kind === 'int') standIns.push({ word: w, until: w, name: holder, item: false });
    else if (host !== undefined && takesAddress && value?.kind === 'address')
      standIns.push({ word: host, until: w, name: holder, item: false });
    else standIns.push({ word: w, until: w, name: holder, item: true });
  }
  return { standIns, unheld };
}

/**
 * The program with each OS-chosen port a top-level command typed written as the variable that held
 * it, as save writes it. A changed statement is a copy; `original` maps it back to the one that ran
 * (what a statement made is recorded by the statement itself).
 */
export function namePorts(program: readonly Stmt[], lookup: PortLookup): { program: Stmt[]; original: Map<Stmt, Stmt> } {
  const original = new Map<Stmt, Stmt>();
  const assigned: string[] = [];
  const out = program.map((stmt) => {
    const { standIns } = portStandIns(stmt, assigned, lookup);
    for (const s of statements([stmt])) if (s.kind === 'command' || s.kind === 'assign') assigned.push(...s.targets.map((t) => t.name));
    if (standIns.length === 0 || stmt.kind !== 'command') return stmt;
    const args: Word[] = [];
    for (let i = 0; i < stmt.call.args.length; i++) {
      const w = stmt.call.args[i]!;
      const s = standIns.find((e) => e.word === w);
      if (s === undefined) {
        args.push(w);
        continue;
      }
      args.push({ kind: 'var', name: s.name, ...(s.item ? { path: [{ kind: 'index', index: 1, span: w.span }] } : {}), span: w.span });
      while (stmt.call.args[i] !== s.until) i++; // HOST PORT as one $addr
    }
    const copy: Stmt = { ...stmt, call: { ...stmt.call, args } };
    original.set(copy, stmt);
    return copy;
  });
  return { program: out, original };
}

/** The value is this port, or an address with it. */
function holds(value: Value | undefined, port: number): boolean {
  if (value === undefined) return false;
  if (value.kind === 'int') return value.value === port;
  if (value.kind === 'address') return value.address.port === port;
  return false;
}
