import type { BlockOptions, SocketHandle } from '../engine/types.js';
import { SocketError } from '../engine/errors.js';
import type { Cond, Span, Stmt, Word } from '../lang/ast.js';
import { NONE, repr, truthy, type Value } from '../lang/values.js';
import { splitFlags } from '../commands/flags.js';
import type { Arg, CallContext, CommandDef, SessionServices } from '../commands/types.js';
import * as want from '../commands/args.js';
import { Cancelled, ExitRequest, ShellError } from '../session/errors.js';
import type { OutputSink } from '../session/output.js';
import { compare } from './compare.js';
import { statementPython } from '../export/python.js';
import type { PyType } from '../export/types.js';
import { evaluate } from './evaluate.js';
import type { VarScope } from './scope.js';

type Flow = 'next' | 'break' | 'continue';

/** Loops yield to the event loop this often, so Ctrl-C, timers and arriving data get their turn. */
const YIELD_EVERY = 256;

export interface InterpreterOptions {
  /** Show the repr of unassigned top-level results (the REPL at a terminal). */
  readonly echo: boolean;
  /** Set for background jobs: their output is labelled with it. */
  readonly job?: number;
  /** Upper bound on any blocking wait (replay uses it so nothing hangs). */
  readonly maxWaitMs?: number;
}

/**
 * Runs statements against a session. Errors leave as ShellError (with the span of the word at
 * fault) or Cancelled; socket errors become ShellErrors pointing at the command.
 */
export class Interpreter {
  private steps = 0;
  /** What each name would be in the Python program, as traced so far (trace on). */
  private readonly pythonTypes = new Map<string, PyType>();

  constructor(
    private readonly session: SessionServices,
    readonly scope: VarScope,
    private readonly out: OutputSink,
    private readonly options: InterpreterOptions,
  ) {}

  async run(program: readonly Stmt[], signal: AbortSignal): Promise<void> {
    await this.block(program, signal, 0);
  }

  private async block(body: readonly Stmt[], signal: AbortSignal, depth: number): Promise<Flow> {
    for (const stmt of body) {
      const flow = await this.statement(stmt, signal, depth);
      if (flow !== 'next') return flow;
    }
    return 'next';
  }

  private async statement(stmt: Stmt, signal: AbortSignal, depth: number): Promise<Flow> {
    if (signal.aborted) throw new Cancelled('the program');
    switch (stmt.kind) {
      case 'command':
        if (this.session.trace) this.tracePython(stmt);
        await this.command(stmt, signal, depth);
        return 'next';
      case 'assign': {
        if (stmt.targets.every((t) => this.scope.isFixed(t.name))) return 'next';
        if (this.session.trace) this.tracePython(stmt);
        this.assign(stmt.targets, this.value(stmt.value), stmt.span, 'the value');
        return 'next';
      }
      case 'show': {
        const v = this.value(stmt.word);
        if (this.options.echo && depth === 0) this.out({ kind: 'value', text: this.show(v) });
        return 'next';
      }
      case 'while':
        while (this.cond(stmt.cond)) {
          const flow = await this.loopBody(stmt.body, signal, depth);
          if (flow === 'break') break;
        }
        return 'next';
      case 'repeat': {
        const n = want.count({ value: this.value(stmt.count), word: stmt.count, span: stmt.count.span }, 'a repeat count');
        for (let i = 0; i < n; i++) {
          const flow = await this.loopBody(stmt.body, signal, depth);
          if (flow === 'break') break;
        }
        return 'next';
      }
      case 'if':
        return this.block(this.cond(stmt.cond) ? stmt.then : stmt.otherwise, signal, depth + 1);
      case 'break':
        return 'break';
      case 'continue':
        return 'continue';
      default: {
        const exhaustive: never = stmt;
        return exhaustive;
      }
    }
  }

  /** A result as the REPL shows it: Python's repr, with bytes in hex after `display hex`. */
  private show(v: Value): string {
    return repr(v, this.session.describe, this.session.display === 'hex');
  }

  /** `trace on`: the Python this statement performs, as `>>> ` lines. */
  private tracePython(stmt: Stmt): void {
    const scope = this.scope;
    const known = {
      types: this.pythonTypes,
      typeOf: (name: string) => (scope.has(name) ? pyType(scope.get(name, stmt.span)) : 'unknown'),
      current: scope.current?.name ?? '',
    };
    for (const line of statementPython(stmt, this.session.table, known)) {
      this.out(this.options.job === undefined ? { kind: 'info', text: `>>> ${line}` } : { kind: 'info', text: `>>> ${line}`, job: this.options.job });
    }
  }

  private async loopBody(body: readonly Stmt[], signal: AbortSignal, depth: number): Promise<Flow> {
    if (++this.steps % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) throw new Cancelled('the loop');
    const flow = await this.block(body, signal, depth + 1);
    return flow === 'continue' ? 'next' : flow;
  }

  private value(word: Word): Value {
    return evaluate(word, this.scope, this.session.describe);
  }

  private cond(cond: Cond): boolean {
    switch (cond.kind) {
      case 'truthy':
        return truthy(this.value(cond.word));
      case 'compare': {
        const result = compare(cond.op, this.value(cond.left), this.value(cond.right));
        if (typeof result === 'string') throw new ShellError(result, cond.left.span);
        return result;
      }
      default: {
        const exhaustive: never = cond;
        return exhaustive;
      }
    }
  }

  private assign(targets: readonly { name: string; span: Span }[], value: Value, span: Span, what: string): void {
    if (targets.length === 1) {
      this.scope.set(targets[0]!.name, value);
      return;
    }
    const items = value.kind === 'tuple' ? value.items : null;
    if (!items || items.length !== targets.length) {
      const got = items ? `${items.length} values` : `one value, ${repr(value, this.session.describe)}`;
      throw new ShellError(`${targets.length} names but ${what} gives ${got}`, span);
    }
    targets.forEach((t, i) => this.scope.set(t.name, items[i]!));
  }

  private async command(stmt: Extract<Stmt, { kind: 'command' }>, signal: AbortSignal, depth: number): Promise<void> {
    const { call } = stmt;
    if (stmt.targets.length > 0 && stmt.targets.every((t) => this.scope.isFixed(t.name))) return;
    const def = this.session.table.get(call.name)!;
    if (stmt.background) {
      this.background(def, stmt);
      return;
    }
    const result = await this.invoke(def, stmt, signal);
    if (stmt.targets.length > 0) this.assign(stmt.targets, result, stmt.span, call.name);
    if (result.kind !== 'none') {
      this.scope.set('_', result);
      if (this.options.echo && depth === 0 && stmt.targets.length === 0) this.out({ kind: 'value', text: this.show(result) });
    }
  }

  /** `COMMAND &`: runs as a job sharing this program's variables; says when it is done. */
  private background(def: CommandDef, stmt: Extract<Stmt, { kind: 'command' }>): void {
    const label = [stmt.call.target ? `${stmt.call.target.name}.${def.name}` : def.name, ...stmt.call.args.map(wordText)].join(' ');
    const jobs = this.session.jobs;
    const id = jobs.start(
      label,
      async (signal, job) => {
        const child = new Interpreter(this.session, this.scope, this.out, { echo: false, job, ...(this.options.maxWaitMs ? { maxWaitMs: this.options.maxWaitMs } : {}) });
        const result = await child.invoke(def, { ...stmt, background: false }, signal);
        if (result.kind !== 'none') this.out({ kind: 'notice', tag: String(job), text: `${label} → ${repr(result, this.session.describe)}` });
      },
      (job, end) => {
        switch (end.state) {
          case 'done':
            this.out({ kind: 'notice', tag: String(job), text: `done: ${label}` });
            break;
          case 'killed':
            this.out({ kind: 'notice', tag: String(job), text: `stopped: ${label}` });
            break;
          case 'failed': {
            const e = end.error;
            const message = e instanceof ShellError ? e.message : e instanceof Error ? e.message : String(e);
            const span = e instanceof ShellError ? e.span : null;
            const file = (e instanceof ShellError ? e.file : undefined) ?? this.scope.file;
            if (!(e instanceof ExitRequest)) this.out({ kind: 'error', message, span, file, job });
            this.out({ kind: 'notice', tag: String(job), text: `failed: ${label}` });
            break;
          }
          default: {
            const exhaustive: never = end;
            return exhaustive;
          }
        }
      },
    );
    this.out({ kind: 'notice', tag: String(id), text: label });
  }

  /** Evaluates the arguments and runs the command's handler; the one place socket errors are translated. */
  private async invoke(def: CommandDef, stmt: Extract<Stmt, { kind: 'command' }>, signal: AbortSignal): Promise<Value> {
    const { call } = stmt;
    const { positional, flags, error } = splitFlags(def, call.args);
    if (error) throw new ShellError(error.message, error.span, 2);
    const args: Arg[] = positional.map((word) => ({ word, span: word.span, value: this.value(word) }));
    const block: BlockOptions & { signal: AbortSignal } = this.options.maxWaitMs ? { signal, maxWaitMs: this.options.maxWaitMs } : { signal };
    const job = this.options.job;
    const out = this.out;
    const ctx: CallContext = {
      name: def.name,
      span: call.nameSpan,
      args,
      flags,
      scope: this.scope,
      session: this.session,
      block,
      targetName: stmt.targets[0]?.name,
      job,
      socket: () => this.target(call.target, def, call.nameSpan),
      info: (text) => out(job === undefined ? { kind: 'info', text } : { kind: 'info', text, job }),
      warn: (text) => out(job === undefined ? { kind: 'warning', text } : { kind: 'warning', text, job }),
      print: (data) => out(job === undefined ? { kind: 'print', data } : { kind: 'print', data, job }),
      display: (text) => out({ kind: 'display', text }),
    };
    try {
      return (await def.run(ctx)) ?? NONE;
    } catch (e) {
      if (e instanceof SocketError) {
        if (e.code === 'EINTR') throw new Cancelled(def.name);
        this.session.lastError = { code: e.code, message: e.message };
        throw new ShellError(e.message, call.nameSpan);
      }
      if (e instanceof ShellError) this.session.lastError = { code: null, message: e.message };
      // Every error is shown with a position: one with nothing more precise points at its command.
      if (e instanceof ShellError && e.span === null && e.file === undefined) throw new ShellError(e.message, call.nameSpan, e.exit);
      throw e;
    }
  }

  /** NAME in NAME.call (a variable holding a socket, or a socket's own name), else the current socket. */
  private target(target: { name: string; span: Span } | null, def: CommandDef, span: Span): SocketHandle {
    const engine = this.session.engine;
    if (target) {
      const v = this.scope.has(target.name) ? this.scope.get(target.name, target.span) : null;
      if (v && v.kind === 'socket') return v.handle;
      if (v) throw new ShellError(`${target.name} is ${repr(v, this.session.describe)}, not a socket`, target.span);
      const found = engine.lookup(target.name);
      if (found) return found;
      const open = engine.list().map((s) => s.name);
      throw new ShellError(`no socket named '${target.name}' (open: ${open.join(', ') || 'none'})`, target.span);
    }
    if (this.scope.current) return this.scope.current;
    throw new ShellError(
      `${def.name} needs a socket: create one first (udp.socket, tcp.socket, udp.bind, tcp.listen, tcp.connect), or write NAME.${def.name}`,
      span,
    );
  }
}

function pyType(v: Value): PyType {
  return v.kind === 'tuple' ? 'unknown' : v.kind;
}

function wordText(w: Word): string {
  switch (w.kind) {
    case 'literal':
      return w.quoted ? JSON.stringify(w.text) : w.text;
    case 'var':
      return `$${w.name}`;
    case 'template':
      return '"…"';
    case 'bytes':
      return `x"${w.value.toString('hex')}"`;
    default: {
      const exhaustive: never = w;
      return exhaustive;
    }
  }
}
