import type { Family, Transport } from '../engine/index.js';
import type { Cond, Stmt, Word } from '../lang/ast.js';
import { conditionPython } from './conditions.js';
import type { Value } from '../lang/values.js';
import type { CommandDef } from '../spec/command.js';
import { splitFlags, type FlagValue } from '../spec/flags.js';
import type { MadeSocket } from '../record/export-log.js';
import type { PyContext, PyHelper, PyType } from '../spec/python.js';
import { helperDefinitions } from './helpers.js';
import { literal, literalType, pyName } from './literals.js';
import { SocketNames } from './socket-names.js';
import { hasBothTlsEnds } from './tls-ends.js';
import { wordBytes, wordSocket, wordText, wordValue, type Content, type PyWord, type Vars } from './words.js';

export { pyName, pyString } from './literals.js';

export interface ExportOptions {
  /** A REPL session: results nobody assigned are printed, as the REPL showed them. */
  readonly echo: boolean;
  /** NAME=VALUE from the command line: they replace the program's own assignments of NAME. */
  readonly overrides: ReadonlyMap<string, Value>;
  /** The socket a statement made, when it ran in a session: its name (udp1) and family. */
  readonly made?: (stmt: Stmt) => MadeSocket | undefined;
}

/**
 * A program in the shell's language as a Python program in the textbook's style: `from socket
 * import *`, the same names, loops, input and print, .encode() and .decode() where Python needs them.
 */
export function toPython(program: readonly Stmt[], table: ReadonlyMap<string, CommandDef>, options: ExportOptions): string {
  const w = new Writer(table, options);
  w.tlsBothEnds = hasBothTlsEnds(program);
  w.block(program, 0);
  const imports = ['from socket import *', ...[...w.imports].sort().map((m) => `import ${m}`), ...[...w.notes].map((n) => `# ${n}`)];
  if (w.helpers.size > 0) imports.push('', ...helperDefinitions(w.helpers));
  const unused = [...options.overrides].filter(([name]) => !w.assigned.has(name)).map(([name, v]) => `${pyName(name)} = ${literal(v)}`);
  return [...imports, ...unused, ...w.out].join('\n') + '\n';
}

/**
 * One statement as the Python it performs, for `trace on`: types come from the running program's
 * values rather than from reading the program.
 */
export function statementPython(stmt: Stmt, table: ReadonlyMap<string, CommandDef>, known: KnownTypes): string[] {
  const w = new Writer(table, { echo: false, overrides: new Map() }, known);
  w.statement(stmt, 0);
  return w.out.filter((l) => !l.startsWith('#'));
}

/**
 * Types the Python program would have, kept across traced statements (`types`, updated), with a
 * fallback for names set before tracing began (from the running program's values).
 */
export interface KnownTypes {
  readonly types: Map<string, PyType>;
  typeOf(name: string): PyType;
  readonly current: string;
}

class Writer {
  readonly out: string[] = [];
  readonly imports = new Set<string>();
  readonly helpers = new Set<PyHelper>();
  readonly notes = new Set<string>();
  readonly assigned = new Set<string>();
  /** See PyContext.tlsBothEnds. */
  tlsBothEnds = false;
  private readonly types: Map<string, PyType>;
  private current: string;
  /** What is known of the bytes variables hold; a variable not here holds bytes of unknown content. */
  private readonly contents = new Map<string, Content>();
  /** The transport of the socket each Python variable holds, where the program shows it. */
  private readonly transports = new Map<string, Transport>();
  /** The item types of tuples variables hold, where a command's result says them. */
  private readonly items = new Map<string, readonly PyType[]>();
  private readonly vars: Vars = {
    type: (n) => this.types.get(n) ?? this.known.typeOf(n),
    item: (n, i) => this.items.get(n)?.[i] ?? 'unknown',
    content: (n) => this.contents.get(n) ?? 'unknown',
    call: (w) => this.inlineCall(w),
  };
  private readonly names: SocketNames;
  /** How many loops the statement being written is inside. */
  private loops = 0;

  constructor(
    private readonly table: ReadonlyMap<string, CommandDef>,
    private readonly options: ExportOptions,
    private readonly known: KnownTypes = { types: new Map(), typeOf: () => 'unknown', current: '' },
  ) {
    this.types = known.types;
    // NAME=VALUE given to a script that never assigns NAME is written at the top: its type is the value's.
    for (const [name, value] of options.overrides) this.types.set(name, literalType(value));
    this.current = known.current;
    this.names = new SocketNames((stmt) => options.made?.(stmt)?.name);
  }

  block(body: readonly Stmt[], depth: number): void {
    const start = this.out.length;
    for (const s of body) this.statement(s, depth);
    if (this.out.length === start && depth > 0) this.emit(depth, 'pass');
  }

  private loop(body: readonly Stmt[], depth: number): void {
    this.loops++;
    this.block(body, depth);
    this.loops--;
  }

  private emit(depth: number, line: string): void {
    this.out.push('    '.repeat(depth) + line);
  }

  statement(s: Stmt, depth: number): void {
    switch (s.kind) {
      case 'assign': {
        const names = s.targets.map((t) => t.name);
        const fixed = names.length === 1 ? this.options.overrides.get(names[0]!) : undefined;
        names.forEach((n) => this.assigned.add(n));
        names.forEach((n) => this.contents.delete(n));
        names.forEach((n) => this.items.delete(n));
        names.forEach((n) => this.transports.delete(pyName(n)));
        if (fixed) {
          this.types.set(names[0]!, literalType(fixed));
          return this.emit(depth, `${pyName(names[0]!)} = ${literal(fixed)}`);
        }
        const { code, type, content } = this.word(s.value);
        if (names.length === 1) this.types.set(names[0]!, type);
        else names.forEach((n, i) => this.types.set(n, this.itemType(s.value, i)));
        if (names.length === 1) this.contents.set(names[0]!, content);
        const copied =
          names.length === 1 && s.value.kind === 'var' && s.value.path === undefined ? this.items.get(s.value.name) : undefined;
        if (copied) this.items.set(names[0]!, copied); // x = $m keeps what is known of m's items
        const transport =
          names.length === 1 && s.value.kind === 'var' && s.value.path === undefined && this.transports.get(pyName(s.value.name));
        if (transport) this.transports.set(pyName(names[0]!), transport);
        return this.emit(depth, `${names.map(pyName).join(', ')} = ${code}`);
      }
      case 'show': {
        const { code, type } = this.word(s.word);
        return this.echo(code, type, depth, '');
      }
      case 'command':
        return this.command(s, depth);
      case 'while':
        this.emit(depth, `while ${this.cond(s.cond)}:`);
        return this.loop(s.body, depth + 1);
      case 'repeat':
        this.emit(depth, `for _ in range(${asNumber(s.count, this.word(s.count)).code}):`);
        return this.loop(s.body, depth + 1);
      case 'if': {
        this.emit(depth, `if ${this.cond(s.cond)}:`);
        this.block(s.then, depth + 1);
        // An else holding only an if (elif, or else with an if block in it) is Python's elif.
        let rest = s.otherwise;
        while (rest.length === 1 && rest[0]!.kind === 'if') {
          const inner = rest[0] as Extract<Stmt, { kind: 'if' }>;
          this.emit(depth, `elif ${this.cond(inner.cond)}:`);
          this.block(inner.then, depth + 1);
          rest = inner.otherwise;
        }
        if (rest.length) {
          this.emit(depth, 'else:');
          this.block(rest, depth + 1);
        }
        return;
      }
      case 'break':
      case 'continue':
        return this.emit(depth, s.kind);
      default: {
        const exhaustive: never = s;
        return exhaustive;
      }
    }
  }

  private command(s: Extract<Stmt, { kind: 'command' }>, depth: number): void {
    const def = this.table.get(s.call.name)!;
    const targets = s.targets.map((t) => t.name);
    targets.forEach((t) => this.contents.delete(t));
    if (targets.length > 0 && targets.every((t) => this.options.overrides.has(t))) {
      targets.forEach((t) => this.assigned.add(t));
      return this.emit(
        depth,
        `${targets.map(pyName).join(', ')} = ${targets.map((t) => literal(this.options.overrides.get(t)!)).join(', ')}`,
      );
    }
    const { positional, flags, values } = splitFlags(def, s.call.args);
    const words = positional.map((w) => this.word(w));
    // The shell kept the socket this name held open under a new label; Python's variable would let it go.
    const displaced = this.options.made?.(s)?.displaced;
    if (displaced) {
      this.emit(depth, `${pyName(displaced.to)} = ${pyName(displaced.from)}  # the shell keeps this socket open as ${displaced.to}`);
      this.define(displaced.to, 'socket', this.transports.get(pyName(displaced.from)));
    }
    // Asked for only by calls that make a socket: a name is taken only then, as in the engine.
    let made: string | undefined;
    const newName = () => (made ??= targets[0] ?? this.names.made(s, def.name));
    if (def.name === 'close') this.names.closed(s.call.target?.name ?? this.current);
    const target = s.call.target ? pyName(s.call.target.name) : this.current || 's';
    const ctx = this.context(positional, flags, target, this.options.made?.(s)?.family ?? null, () => pyName(newName()), values);
    const r = def.toPython(ctx);
    const note = s.background ? '  # ran in the background in the shell' : '';
    // The shell gives each pass's socket a name of its own while the earlier ones are open; one
    // Python variable cannot follow that, and a later `udp2.close` would find no udp2.
    const makesSocket = made !== undefined || (r.kind === 'expr' && r.types[0] === 'socket'); // accept names its socket below
    if (makesSocket && targets.length === 0 && this.loops > 0) {
      this.emit(
        depth,
        `# each pass makes a new socket, which the shell numbers anew while earlier ones are open; ${pyName(newName())} names only the latest here`,
      );
    }
    switch (r.kind) {
      case 'comment':
        this.emit(depth, `# ${r.text}`);
        return this.noValue(targets, depth);
      case 'current':
        this.current = r.socket;
        this.emit(depth, `# ${r.text}`);
        return this.noValue(targets, depth);
      case 'lines':
        r.lines.forEach((l, i) => this.emit(depth, l + (i === 0 ? note : '')));
        if (r.defines) this.define(r.defines.name, r.defines.type, r.defines.transport);
        else this.noValue(targets, depth);
        return;
      case 'expr': {
        if (targets.length === 1) {
          this.emit(depth, `${pyName(targets[0]!)} = ${r.code}${note}`);
          this.define(targets[0]!, r.types.length === 1 ? r.types[0]! : 'unknown', r.transport);
          if (r.types.length > 1) this.items.set(targets[0]!, r.types);
          // upper and lower of bytes that are not UTF-8 give such bytes again.
          if (r.types.length === 1 && r.types[0] === 'bytes' && words.some((w) => w.content === 'raw'))
            this.contents.set(targets[0]!, 'raw');
        } else if (targets.length > 1) {
          this.emit(depth, `${targets.map(pyName).join(', ')} = ${r.code}${note}`);
          targets.forEach((t, i) => this.define(t, r.types[i] ?? 'unknown', i === 0 ? r.transport : undefined));
        } else if (r.types[0] === 'socket') {
          // accept gives (socket, address): the shell names the socket; the address goes unnamed.
          this.emit(depth, `${pyName(newName())}${r.types.length > 1 ? ', _' : ''} = ${r.code}${note}`);
          this.define(newName(), 'socket', r.transport);
        } else {
          this.echo(r.code, r.types.length === 1 ? r.types[0]! : 'tuple', depth, note, true);
        }
        return;
      }
      default: {
        const exhaustive: never = r;
        return exhaustive;
      }
    }
  }

  /**
   * A value nobody assigned, as the REPL showed it: only a statement of the program itself (depth 0,
   * not inside while, repeat or if; interp/interpreter.ts echoes at depth 0 only), and as Python's
   * repr, which print gives for all but text ('HI' at the prompt; print('HI') would show HI). Where
   * nothing was shown (a script, a block), a call is still made for what it does; a $name, dropped.
   */
  private echo(code: string, type: PyType | 'tuple', depth: number, note: string, call = false): void {
    const shown = this.options.echo && depth === 0 && type !== 'none';
    if (shown) this.emit(depth, `print(${type === 'str' || type === 'unknown' ? `repr(${code})` : code})${note}`);
    else if (call) this.emit(depth, code + note);
  }

  /**
   * `x = close`: a command written as statements gives no value in Python, and gives none in the
   * shell either (a command with a value is written as an expression); the name is still set.
   */
  private noValue(targets: readonly string[], depth: number): void {
    if (targets.length === 0) return;
    this.emit(depth, `${targets.map(pyName).join(', ')} = None`);
    targets.forEach((t) => this.define(t, 'none'));
  }

  /** What a command's toPython is given: its words as Python, and the program's state. */
  private context(
    positional: readonly Word[],
    flags: ReadonlySet<string>,
    target: string,
    family: Family | null,
    newName: () => string,
    values: readonly FlagValue[] = [],
  ): PyContext {
    const words = positional.map((w) => asNumber(w, this.word(w)));
    const valued = new Map(values.map((v) => [v.spec.name, v.word]));
    return {
      target,
      transport: this.transports.get(target) ?? null,
      tlsBothEnds: this.tlsBothEnds,
      looping: this.loops > 0,
      get newName() {
        return newName();
      },
      family,
      count: words.length,
      flag: (f) => flags.has(f),
      arg: (i) => words[i]!.code,
      type: (i) => words[i]!.type,
      utf8: (i) => words[i]!.content !== 'raw',
      bytes: (i) => wordBytes(positional[i]!, this.vars),
      text: (i) => wordText(positional[i]!, this.vars),
      socket: (i) => wordSocket(positional[i]!, this.vars),
      address: (from) => (words.length - from === 1 ? words[from]!.code : `(${words[from]!.code}, ${words[from + 1]!.code})`),
      note: (n) => this.notes.add(n),
      flagArg: (name) => {
        const word = valued.get(name);
        return word === undefined ? null : this.word(word).code;
      },
      need: (m) => this.imports.add(m),
      helper: (h) => this.helpers.add(h),
    };
  }

  /** `(NAME ARGS)`: the inline command's expression (check.ts allows only commands that give one). */
  private inlineCall(w: Extract<Word, { kind: 'call' }>): PyWord {
    const def = this.table.get(w.name);
    if (def === undefined) return { code: 'None', type: 'none', content: 'utf8' };
    const { positional, flags } = splitFlags(def, w.args);
    const ctx = this.context(positional, flags, this.current || 's', null, () => '_');
    const r = def.toPython(ctx);
    if (r.kind !== 'expr') return { code: 'None', type: 'none', content: 'utf8' };
    return { code: r.code, type: r.types.length === 1 ? r.types[0]! : 'unknown', content: 'unknown' };
  }

  /** The type of item i of what a word holds, when unpacked: host, port = $a; data, sender = $m. */
  private itemType(w: Word, i: number): PyType {
    if (w.kind !== 'var' || w.path !== undefined) return 'unknown';
    if (this.vars.type(w.name) === 'address') return i === 0 ? 'str' : 'int';
    return this.vars.item(w.name, i);
  }

  private define(name: string, type: PyType, transport?: Transport): void {
    this.items.delete(name);
    if (transport) this.transports.set(pyName(name), transport);
    else this.transports.delete(pyName(name));
    this.assigned.add(name);
    this.types.set(name, type);
    if (type === 'socket') this.current = pyName(name);
  }

  private cond(c: Cond): string {
    return conditionPython(c, this.vars, (m) => this.imports.add(m));
  }

  word(w: Word): PyWord {
    return wordValue(w, this.vars);
  }
}

/**
 * 007 is text to the shell (lang/values.ts bareLiteral), which a port, count or size argument reads
 * as the number; Python has no such literal, so where a call takes the word as a number it is written
 * as one (bind(('', 12000)) for 012000). Payloads are written from the word as typed (wordBytes).
 */
function asNumber(w: Word, py: PyWord): PyWord {
  if (w.kind !== 'literal' || w.quoted || !/^-?0\d+$/.test(w.text)) return py;
  return { code: String(Number(w.text)), type: 'int', content: 'utf8' };
}
