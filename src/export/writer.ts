/** The writer of export and trace: a program's statements as Python lines, with the imports, helpers and notes they need. */

import type { Transport } from '../engine/index.js';
import type { Cond, Stmt, Word } from '../lang/ast.js';
import { conditionPython } from './conditions.js';
import type { CommandDef } from '../spec/command.js';
import { splitFlags } from '../spec/flags.js';
import type { PyHelper, PyType } from '../spec/python.js';
import { literal, literalType, pyName } from './literals.js';
import { ProgramVars } from './program-vars.js';
import type { ExportOptions, KnownTypes } from './python.js';
import type { Failed } from '../record/export-log.js';
import { SocketNames } from './socket-names.js';
import { wordValue, type PyWord } from './words.js';
import { asNumber, pyContext, type Writing } from './py-context.js';
import { endless, ENDLESS_NOTE } from './endless-loop.js';

export class Writer {
  readonly out: string[] = [];
  readonly imports = new Set<string>();
  readonly helpers = new Set<PyHelper>();
  readonly notes = new Set<string>();
  readonly assigned = new Set<string>();
  /** See PyContext.tlsBothEnds. */
  tlsBothEnds = false;
  /** The program reads `$_`: each command's result is kept in `_`, as the shell keeps it (readsLast). */
  keepsLast = false;
  /** What is known of the program's variables so far. */
  private readonly program: ProgramVars;
  private readonly names: SocketNames;
  /** How many loops the statement being written is inside. */
  private loops = 0;

  constructor(
    private readonly table: ReadonlyMap<string, CommandDef>,
    private readonly options: ExportOptions,
    known: KnownTypes = { types: new Map(), typeOf: () => 'unknown', current: '' },
  ) {
    this.program = new ProgramVars(known, (w) => this.inlineCall(w));
    // NAME=VALUE given to a script that never assigns NAME is written at the top: its type is the value's.
    for (const [name, value] of options.overrides) this.program.types.set(name, literalType(value));
    this.names = new SocketNames((stmt) => options.made?.(stmt)?.name);
  }

  block(body: readonly Stmt[], depth: number): void {
    const start = this.out.length;
    body.forEach((s, i) => {
      const failed = this.options.failed?.(s);
      if (failed === undefined) this.statement(s, depth);
      else this.failing(s, failed, depth);
      // The shell's Ctrl-C ended the loop and the session went on; Python's ends the program (trial 4).
      if (i < body.length - 1 && endless(s) && !body.slice(0, i).some(endless))
        for (const line of ENDLESS_NOTE) this.emit(depth, `# ${line}`);
    });
    if (this.out.length === start && depth > 0) this.emit(depth, 'pass');
  }

  /**
   * A socket call that failed when the session ran it (ExportLog.add's failed), in a try that lets
   * the program go on as the session did: what the call took (a reset it raised, the wait of a
   * timeout) is taken here too, so the calls after it answer as they did.
   */
  private failing(s: Stmt, failed: Failed, depth: number): void {
    // Python's names: `from socket import *` brings gaierror; ssl's are the ssl module's.
    const exception = failed.python.replace(/^socket\./, '');
    if (exception.startsWith('ssl.')) this.imports.add('ssl');
    this.emit(depth, `# in the session this call failed: ${failed.message.replace(/\s+/g, ' ')}`);
    this.emit(depth, 'try:');
    const start = this.out.length;
    this.statement(s, depth + 1);
    if (this.out.length === start) this.emit(depth + 1, 'pass');
    this.emit(depth, `except ${exception}:`);
    this.emit(depth + 1, 'pass');
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
        names.forEach((n) => this.program.forget(n));
        if (fixed) {
          this.program.types.set(names[0]!, literalType(fixed));
          return this.emit(depth, `${pyName(names[0]!)} = ${literal(fixed)}`);
        }
        const { code, type, content } = this.word(s.value);
        if (names.length === 1) this.program.types.set(names[0]!, type);
        else names.forEach((n, i) => this.program.types.set(n, this.program.itemType(s.value, i)));
        if (names.length === 1) this.program.contents.set(names[0]!, content);
        if (names.length === 1 && s.value.kind === 'var' && s.value.path === undefined) this.program.copy(s.value.name, names[0]!);
        return this.emit(depth, `${names.map(pyName).join(', ')} = ${code}`);
      }
      case 'show': // the prompt showed a value (`$x`): a program shows what it prints, so nothing is written
        return;
      case 'command':
        return this.command(s, depth);
      case 'while':
        this.emit(depth, `while ${this.cond(s.cond)}:`);
        return this.loop(s.body, depth + 1);
      case 'repeat':
        this.emit(depth, `for ${this.keepsLast ? '_i' : '_'} in range(${asNumber(s.count, this.word(s.count)).code}):`);
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
    targets.forEach((t) => this.program.contents.delete(t));
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
      this.define(displaced.to, 'socket', this.program.transports.get(pyName(displaced.from)));
    }
    // Asked for only by calls that make a socket: a name is taken only then, as in the engine.
    let made: string | undefined;
    const newName = () => (made ??= targets[0] ?? this.names.made(s, def.name));
    if (def.name === 'close') this.names.closed(s.call.target?.name ?? this.program.current);
    const target = s.call.target ? pyName(s.call.target.name) : this.program.current || 's';
    const ctx = pyContext(
      this.writing(),
      positional,
      flags,
      target,
      this.options.made?.(s)?.family ?? null,
      () => pyName(newName()),
      values,
    );
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
        this.program.current = r.socket;
        this.emit(depth, `# ${r.text}`);
        return this.noValue(targets, depth);
      case 'lines':
        r.lines.forEach((l, i) => this.emit(depth, l + (i === 0 ? note : '')));
        if (r.defines) this.define(r.defines.name, r.defines.type, r.defines.transport);
        else this.noValue(targets, depth);
        if (r.defines && this.keepsLast) this.keepLast(pyName(r.defines.name), [r.defines.type], depth);
        return;
      case 'expr': {
        if (this.keepsLast && r.types[0] !== 'none' && targets.length === 0) {
          // Python has `_` only at its prompt: the program keeps the result there itself, then names it.
          this.keepLast(r.code + note, r.types, depth);
          if (r.types[0] === 'socket') {
            this.emit(depth, `${pyName(newName())} = _${r.types.length > 1 ? '[0]' : ''}`);
            this.define(newName(), 'socket', r.transport);
          }
          return;
        }
        if (targets.length === 1) {
          this.emit(depth, `${pyName(targets[0]!)} = ${r.code}${note}`);
          this.define(targets[0]!, r.types.length === 1 ? r.types[0]! : 'unknown', r.transport);
          if (r.types.length > 1) this.program.items.set(targets[0]!, r.types);
          // upper and lower of bytes that are not UTF-8 give such bytes again.
          if (r.types.length === 1 && r.types[0] === 'bytes' && words.some((w) => w.content === 'raw'))
            this.program.contents.set(targets[0]!, 'raw');
        } else if (targets.length > 1) {
          this.emit(depth, `${targets.map(pyName).join(', ')} = ${r.code}${note}`);
          targets.forEach((t, i) => this.define(t, r.types[i] ?? 'unknown', i === 0 ? r.transport : undefined));
        }
        if (targets.length > 0) {
          // The names keep the textbook's line; `_` gets what they got, for a later $_.
          if (this.keepsLast && r.types[0] !== 'none')
            this.keepLast(targets.length === 1 ? pyName(targets[0]!) : `(${targets.map(pyName).join(', ')})`, r.types, depth);
        } else if (r.types[0] === 'socket') {
          // accept gives (socket, address): the shell names the socket; the address goes unnamed.
          this.emit(depth, `${pyName(newName())}${r.types.length > 1 ? ', _' : ''} = ${r.code}${note}`);
          this.define(newName(), 'socket', r.transport);
        } else {
          // A value nobody assigned: the call is made for what it does. The prompt showed the value (sendto's
          // count), but the program a student writes does not print it (trial 8, D); `print` does.
          this.emit(depth, r.code + note);
        }
        return;
      }
      default: {
        const exhaustive: never = r;
        return exhaustive;
      }
    }
  }

  /** `_ = code`, typed as the shell's `$_` is: its item types too, for a tuple. Never the current socket. */
  private keepLast(code: string, types: readonly PyType[], depth: number): void {
    this.emit(depth, `_ = ${code}`);
    this.program.forget('_');
    this.program.types.set('_', types.length === 1 ? types[0]! : 'unknown');
    if (types.length > 1) this.program.items.set('_', types);
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

  /** The writer's side of a command's PyContext, as it stands now. */
  private writing(): Writing {
    const { program, tlsBothEnds, notes, imports, helpers } = this;
    return { program, tlsBothEnds, looping: this.loops > 0, notes, imports, helpers };
  }

  /** `(NAME ARGS)`: the inline command's expression (check.ts allows only commands that give one). */
  private inlineCall(w: Extract<Word, { kind: 'call' }>): PyWord {
    const def = this.table.get(w.name);
    if (def === undefined) return { code: 'None', type: 'none', content: 'utf8' };
    const { positional, flags } = splitFlags(def, w.args);
    const ctx = pyContext(this.writing(), positional, flags, this.program.current || 's', null, () => '_');
    const r = def.toPython(ctx);
    if (r.kind !== 'expr') return { code: 'None', type: 'none', content: 'utf8' };
    return { code: r.code, type: r.types.length === 1 ? r.types[0]! : 'unknown', content: 'unknown' };
  }

  private define(name: string, type: PyType, transport?: Transport): void {
    this.assigned.add(name);
    this.program.define(name, type, transport);
  }

  private cond(c: Cond): string {
    return conditionPython(c, this.program.vars, (m) => this.imports.add(m));
  }

  word(w: Word): PyWord {
    return wordValue(w, this.program.vars);
  }
}
