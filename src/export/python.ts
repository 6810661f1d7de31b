import type { Cond, Part, Stmt, Word } from '../lang/ast.js';
import { bareLiteral, repr, type Value } from '../lang/values.js';
import type { CommandDef } from '../commands/types.js';
import { splitFlags } from '../commands/flags.js';
import type { PyContext, PyType } from './types.js';
import { literal, literalType, pyName } from './literals.js';

export { pyName, pyString } from './literals.js';

export interface ExportOptions {
  /** A REPL session: results nobody assigned are printed, as the REPL showed them. */
  readonly echo: boolean;
  /** NAME=VALUE from the command line: they replace the program's own assignments of NAME. */
  readonly overrides: ReadonlyMap<string, Value>;
}

/**
 * A program in the shell's language as a Python program in the textbook's style: `from socket
 * import *`, the same names, loops, input and print, .encode() and .decode() where Python needs them.
 */
export function toPython(program: readonly Stmt[], table: ReadonlyMap<string, CommandDef>, options: ExportOptions): string {
  const w = new Writer(table, options);
  w.block(program, 0);
  const imports = ['from socket import *', ...[...w.imports].sort().map((m) => `import ${m}`)];
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
  readonly assigned = new Set<string>();
  private readonly types: Map<string, PyType>;
  private current: string;
  private readonly auto = { udp: 0, tcp: 0, conn: 0 };

  constructor(
    private readonly table: ReadonlyMap<string, CommandDef>,
    private readonly options: ExportOptions,
    private readonly known: KnownTypes = { types: new Map(), typeOf: () => 'unknown', current: '' },
  ) {
    this.types = known.types;
    this.current = known.current;
  }

  block(body: readonly Stmt[], depth: number): void {
    const start = this.out.length;
    for (const s of body) this.statement(s, depth);
    if (this.out.length === start && depth > 0) this.emit(depth, 'pass');
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
        if (fixed) {
          this.types.set(names[0]!, literalType(fixed));
          return this.emit(depth, `${pyName(names[0]!)} = ${literal(fixed)}`);
        }
        const { code, type } = this.word(s.value);
        if (names.length === 1) this.types.set(names[0]!, type);
        else names.forEach((n) => this.types.set(n, 'unknown'));
        return this.emit(depth, `${names.map(pyName).join(', ')} = ${code}`);
      }
      case 'show':
        if (this.options.echo) this.emit(depth, `print(${this.word(s.word).code})`);
        return;
      case 'command':
        return this.command(s, depth);
      case 'while':
        this.emit(depth, `while ${this.cond(s.cond)}:`);
        return this.block(s.body, depth + 1);
      case 'repeat':
        this.emit(depth, `for _ in range(${this.word(s.count).code}):`);
        return this.block(s.body, depth + 1);
      case 'if':
        this.emit(depth, `if ${this.cond(s.cond)}:`);
        this.block(s.then, depth + 1);
        if (s.otherwise.length) {
          this.emit(depth, 'else:');
          this.block(s.otherwise, depth + 1);
        }
        return;
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
    if (targets.length > 0 && targets.every((t) => this.options.overrides.has(t))) {
      targets.forEach((t) => this.assigned.add(t));
      return this.emit(depth, `${targets.map(pyName).join(', ')} = ${targets.map((t) => literal(this.options.overrides.get(t)!)).join(', ')}`);
    }
    const { positional, flags } = splitFlags(def, s.call.args);
    const words = positional.map((w) => this.word(w));
    const newName = targets[0] ?? this.autoName(def.name);
    const target = s.call.target ? pyName(s.call.target.name) : this.current || 's';
    const ctx: PyContext = {
      target,
      newName: pyName(newName),
      count: words.length,
      flag: (f) => flags.has(f),
      arg: (i) => words[i]!.code,
      type: (i) => words[i]!.type,
      utf8: (i) => isUtf8(positional[i]!),
      bytes: (i) => asBytes(positional[i]!, words[i]!),
      text: (i) => {
        const w = words[i]!;
        if (w.type === 'bytes') return isUtf8(positional[i]!) ? `${w.code}.decode()` : `${w.code}.decode('utf-8', 'replace')`;
        return w.type === 'str' ? w.code : `str(${w.code})`;
      },
      address: (from) => (words.length - from === 1 ? words[from]!.code : `(${words[from]!.code}, ${words[from + 1]!.code})`),
      need: (m) => this.imports.add(m),
    };
    const r = def.toPython(ctx);
    const note = s.background ? '  # ran in the background in the shell' : '';
    switch (r.kind) {
      case 'comment':
        return this.emit(depth, `# ${r.text}`);
      case 'lines':
        r.lines.forEach((l, i) => this.emit(depth, l + (i === 0 ? note : '')));
        if (r.defines) this.define(r.defines.name, r.defines.type);
        return;
      case 'expr': {
        if (targets.length === 1) {
          this.emit(depth, `${pyName(targets[0]!)} = ${r.code}${note}`);
          this.define(targets[0]!, r.types.length === 1 ? r.types[0]! : 'unknown');
        } else if (targets.length > 1) {
          this.emit(depth, `${targets.map(pyName).join(', ')} = ${r.code}${note}`);
          targets.forEach((t, i) => this.define(t, r.types[i] ?? 'unknown'));
        } else if (r.types[0] === 'socket') {
          this.emit(depth, `${pyName(newName)} = ${r.code}${note}`);
          this.define(newName, 'socket');
        } else {
          this.emit(depth, (this.options.echo && r.types[0] !== 'none' ? `print(${r.code})` : r.code) + note);
        }
        return;
      }
      default: {
        const exhaustive: never = r;
        return exhaustive;
      }
    }
  }

  private define(name: string, type: PyType): void {
    this.assigned.add(name);
    this.types.set(name, type);
    if (type === 'socket') this.current = pyName(name);
  }

  /** The shell's automatic socket names (udp1, tcp1, conn1), as the engine would give them. */
  private autoName(command: string): string {
    const kind = command === 'accept' ? 'conn' : command.startsWith('udp.') ? 'udp' : 'tcp';
    return `${kind}${++this.auto[kind]}`;
  }

  /** "caf\xe9$x" holds raw bytes, so the shell makes bytes of it: b'caf\xe9' + x.encode(). */
  private bytesTemplate(parts: readonly Part[]): string {
    const pieces: string[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length) pieces.push(repr({ kind: 'bytes', value: Buffer.from(run) }));
      run = [];
    };
    for (const p of parts) {
      if (p.kind === 'text') run.push(...Buffer.from(p.text, 'utf8'));
      else if (p.kind === 'byte') run.push(p.value);
      else {
        flush();
        const ref = pyName(p.name) + (p.index === undefined ? '' : `[${p.index}]`);
        const type = p.index === undefined ? this.types.get(p.name) ?? this.known.typeOf(p.name) : 'unknown';
        pieces.push(type === 'bytes' ? ref : type === 'str' ? `${ref}.encode()` : `str(${ref}).encode()`);
      }
    }
    flush();
    return pieces.join(' + ');
  }

  private cond(c: Cond): string {
    if (c.kind === 'truthy') return this.word(c.word).code;
    const [l, r] = [this.word(c.left), this.word(c.right)];
    // The shell compares text with bytes by their UTF-8; Python needs both sides the same type.
    const bytes = l.type === 'bytes' || r.type === 'bytes';
    const side = (w: Word, x: { code: string; type: PyType }) => (bytes ? asBytes(w, x) : x.code);
    return `${side(c.left, l)} ${c.op} ${side(c.right, r)}`;
  }

  word(w: Word): { code: string; type: PyType } {
    switch (w.kind) {
      case 'literal': {
        const v = w.quoted ? ({ kind: 'str', value: w.text } as const) : bareLiteral(w.text);
        return { code: literal(v), type: literalType(v) };
      }
      case 'var': {
        const type = this.types.get(w.name) ?? this.known.typeOf(w.name);
        if (w.index === undefined) return { code: pyName(w.name), type };
        const itemType: PyType = type === 'address' ? (w.index === 0 ? 'str' : 'int') : 'unknown';
        return { code: `${pyName(w.name)}[${w.index}]`, type: itemType };
      }
      case 'bytes':
        return { code: literal({ kind: 'bytes', value: w.value }), type: 'bytes' };
      case 'template': {
        // As the shell does: raw bytes, or a bytes variable, make the whole string bytes.
        const binary = w.parts.some((p) => p.kind === 'byte' || (p.kind === 'var' && p.index === undefined && (this.types.get(p.name) ?? this.known.typeOf(p.name)) === 'bytes'));
        if (binary) return { code: this.bytesTemplate(w.parts), type: 'bytes' };
        const parts = w.parts.map((p) => {
          if (p.kind === 'text') return p.text.replace(/[{}]/g, (b) => b + b).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n');
          if (p.kind === 'byte') return ''; // handled by bytesTemplate
          const t = this.types.get(p.name) ?? this.known.typeOf(p.name);
          const ref = pyName(p.name) + (p.index === undefined ? '' : `[${p.index}]`);
          return `{${ref}${t === 'bytes' && p.index === undefined ? '.decode()' : ''}}`;
        });
        return { code: `f'${parts.join('')}'`, type: 'str' };
      }
      default: {
        const exhaustive: never = w;
        return exhaustive;
      }
    }
  }
}

/** Written-out bytes that are valid UTF-8 (anything else is not written-out bytes, and passes). */
function isUtf8(w: Word): boolean {
  const data = w.kind === 'bytes' ? w.value : w.kind === 'template' && w.parts.some((p) => p.kind === 'byte') ? Buffer.from(w.parts.flatMap((p) => (p.kind === 'byte' ? [p.value] : p.kind === 'text' ? [...Buffer.from(p.text)] : []))) : null;
  return data === null || Buffer.from(data.toString('utf8'), 'utf8').equals(data);
}

/** A word as bytes for Python: b'...' for text written out, x.encode() for a text variable. */
function asBytes(w: Word, x: { code: string; type: PyType }): string {
  if (x.type === 'bytes') return x.code;
  if (w.kind === 'literal' && x.type === 'str' && !/[^\x00-\x7f]/.test(x.code)) return 'b' + x.code;
  if (x.type === 'str') return `${x.code}.encode()`;
  return `str(${x.code}).encode()`;
}
