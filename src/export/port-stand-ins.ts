import type { Selector, Stmt, Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { ArgKind, CommandDef } from '../spec/command.js';
import { splitFlags } from '../spec/flags.js';

/**
 * A port the OS chose in this session (`s = udp.bind 0`, a client's port) and then typed as a number
 * is a fact of this run only: a script or program that types it again reaches nothing next time.
 * Where a variable held that port, `save` and `export` both write the variable instead, so the
 * saved script and the exported Python do what the session did on any run.
 */
export interface PortContext {
  readonly table: ReadonlyMap<string, CommandDef>;
  /** A variable's value now: it stands for an OS-chosen port when it holds that port. */
  readonly variable: (name: string) => Value | undefined;
  /** Ports the OS hands out itself: a number in this range typed as a port came from this run. */
  readonly ephemeral: readonly [number, number];
}

/** Words from..until (one word, or HOST PORT) are to be read as $name with path. */
export interface StandIn {
  readonly from: Word;
  readonly until: Word;
  readonly name: string;
  readonly path: readonly Selector[];
}

/**
 * The stand-ins of one top-level command, and the OS-chosen ports it typed that no variable held.
 * assigned: variables assigned before it, latest last (the latest holder wins). `HOST PORT` becomes
 * `$addr` where the command also takes an ADDRESS there and the host is the address's own; a lone
 * port `$addr[1]`, or `$port` for a number.
 */
export function portStandIns(stmt: Stmt, assigned: readonly string[], ctx: PortContext): { standIns: StandIn[]; unheld: number[] } {
  const none = { standIns: [], unheld: [] };
  if (stmt.kind !== 'command') return none;
  const def = ctx.table.get(stmt.call.name);
  if (!def) return none;
  const { positional } = splitFlags(def, stmt.call.args);
  const form = def.forms.find((f) => f.length === positional.length || (f.length > 0 && f[f.length - 1]!.rest === true));
  if (!form) return none;
  const kindAt = (i: number): ArgKind | undefined => form[Math.min(i, form.length - 1)]?.kind;
  const standIns: StandIn[] = [];
  const unheld: number[] = [];
  for (const [i, w] of positional.entries()) {
    if (kindAt(i) !== 'port' || w.kind !== 'literal' || !/^\d+$/.test(w.text)) continue;
    const port = Number(w.text);
    if (port < ctx.ephemeral[0] || port > ctx.ephemeral[1]) continue;
    const holder = [...assigned].reverse().find((name) => holds(ctx.variable(name), port));
    if (holder === undefined) {
      unheld.push(port);
      continue;
    }
    const value = ctx.variable(holder);
    const host = i > 0 && kindAt(i - 1) === 'host' ? positional[i - 1] : undefined;
    const takesAddress = def.forms.some((f) => f.length === positional.length - 1 && f[i - 1]?.kind === 'address');
    if (value?.kind === 'int') standIns.push({ from: w, until: w, name: holder, path: [] });
    else if (host !== undefined && takesAddress && value?.kind === 'address' && sameHost(host, value.address.host))
      standIns.push({ from: host, until: w, name: holder, path: [] });
    else standIns.push({ from: w, until: w, name: holder, path: [{ kind: 'index', index: 1, span: w.span }] });
  }
  return { standIns, unheld };
}

/** The program with each OS-chosen port its top-level commands typed read from the variable that held it (export). */
export function withPortStandIns(program: readonly Stmt[], ctx: PortContext): Stmt[] {
  const assigned: string[] = [];
  return program.map((stmt) => {
    const { standIns } = portStandIns(stmt, assigned, ctx);
    assigned.push(...assignedNames(stmt));
    if (stmt.kind !== 'command' || standIns.length === 0) return stmt;
    const args: Word[] = [];
    let skipUntil: Word | null = null;
    for (const w of stmt.call.args) {
      if (skipUntil !== null) {
        if (w === skipUntil) skipUntil = null;
        continue;
      }
      const s = standIns.find((x) => x.from === w);
      if (s === undefined) {
        args.push(w);
        continue;
      }
      args.push({ kind: 'var', name: s.name, ...(s.path.length > 0 ? { path: s.path } : {}), span: w.span });
      if (s.until !== w) skipUntil = s.until;
    }
    return { ...stmt, call: { ...stmt.call, args } };
  });
}

/** The names a statement assigns, blocks included. */
export function assignedNames(stmt: Stmt): string[] {
  switch (stmt.kind) {
    case 'command':
    case 'assign':
      return stmt.targets.map((t) => t.name);
    case 'while':
    case 'repeat':
      return stmt.body.flatMap(assignedNames);
    case 'if':
      return [...stmt.then, ...stmt.otherwise].flatMap(assignedNames);
    case 'show':
    case 'break':
    case 'continue':
      return [];
    default: {
      const never: never = stmt;
      return never;
    }
  }
}

/** The value is this port, or an address with it. */
function holds(value: Value | undefined, port: number): boolean {
  if (value === undefined) return false;
  if (value.kind === 'int') return value.value === port;
  if (value.kind === 'address') return value.address.port === port;
  return false;
}

/** The host typed is the address's own (localhost is 127.0.0.1): `HOST PORT` may become the address. */
function sameHost(word: Word, host: string): boolean {
  if (word.kind !== 'literal') return false;
  return word.text === host || (word.text === 'localhost' && host === '127.0.0.1');
}
