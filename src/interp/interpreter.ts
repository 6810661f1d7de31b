import type { BlockOptions, SocketHandle } from '../engine/types.js';
import type { Call, Cond, Span, Stmt, Target, Word } from '../lang/ast.js';
import { NONE, itemsOf, repr, truthy, type Value } from '../lang/values.js';
import type { CommandDef } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';
import type { Trouble } from '../record/trouble.js';
import { coerceArgs, count, refineArgs } from '../commands/args.js';
import { Cancelled, ShellError } from '../core/errors.js';
import type { OutputSink } from '../core/output.js';
import { compare, match } from '../lang/compare.js';
import { evaluate } from './evaluate.js';
import { startJob } from './background.js';
import { statementPython } from '../export/python.js';
import type { PyType } from '../spec/python.js';
import { Invocation, type Surroundings } from './invocation.js';
import { bareNameWarning, prepare, type Prepared } from './prepared.js';
import { callArguments } from './arguments.js';
import { echoOutputs } from './echo.js';
import { failure } from './failure.js';
import { Machine, block, loop, type Executor, type Step } from './machine.js';
import type { VarScope } from './scope.js';

type CommandStmt = Extract<Stmt, { kind: 'command' }>;
type CallWord = Extract<Word, { kind: 'call' }>;

/** The statement each `(NAME ARGS)` word runs as, made once per word: prepare() caches by its Call. */
const INLINE = new WeakMap<CallWord, CommandStmt>();

export interface InterpreterOptions {
  /** Show the repr of unassigned top-level results (the REPL at a terminal). */
  readonly echo: boolean;
  /** Set for background jobs: their output is labelled with it. */
  readonly job?: number;
  /** Upper bound on any blocking wait (replay uses it so nothing hangs). */
  readonly maxWaitMs?: number;
  /** Note the sockets statements make, for export: the REPL and piped sessions. A `run` script is never exported, and its server loop should not pay for it. */
  readonly exported?: boolean;
}

/**
 * Runs statements against a session. Errors leave as ShellError (with the span of the word at
 * fault) or Cancelled; socket errors become ShellErrors pointing at the command.
 */
export class Interpreter implements Executor {
  /** What each name would be in the Python program, as traced so far (trace on). */
  private readonly pythonTypes = new Map<string, PyType>();
  /** For export: the socket the running statement's target held before it ran, and its label then. */
  private holder: { readonly handle: SocketHandle; readonly label: string } | null = null;
  private readonly around: Surroundings;
  /** The BlockOptions of the last signal seen: every command of one run shares them. */
  private blockOptions: BlockOptions & { signal: AbortSignal } = { signal: new AbortController().signal };

  constructor(
    private readonly session: SessionServices,
    readonly scope: VarScope,
    private readonly out: OutputSink,
    private readonly options: InterpreterOptions,
  ) {
    this.around = {
      session,
      scope,
      out,
      job: options.job,
      ...(options.exported ? { touched: (serial: number) => session.ran.touch(serial) } : {}),
    };
  }

  /**
   * Something went wrong outside a command, as the chunk runner saw it (a line that did not parse, a
   * failed assignment): the session keeps it for `explain`, unless it is what a command already left.
   */
  remember(trouble: Trouble): void {
    const last = this.session.trouble;
    if (trouble.kind === 'error' && last?.kind === 'error' && last.message === trouble.message) return;
    this.session.trouble = trouble;
  }

  /** Runs program to its end; rejects with ShellError, Cancelled or ExitRequest. */
  run(program: readonly Stmt[], signal: AbortSignal): Promise<void> {
    return new Machine(this, program, signal).run();
  }

  /** One statement, for the machine: a flow when it finished at once, a frame to enter, or a wait. */
  statement(stmt: Stmt, depth: number, signal: AbortSignal): Step {
    if (signal.aborted) throw new Cancelled('the program');
    switch (stmt.kind) {
      case 'command':
        if (this.session.trace) this.tracePython(stmt);
        return this.command(stmt, signal, depth);
      case 'assign': {
        if (this.allFixed(stmt.targets)) return 'next';
        if (this.session.trace) this.tracePython(stmt);
        this.assign(stmt.targets, this.value(stmt.value), stmt.span, 'the value');
        return 'next';
      }
      case 'show': {
        const v = this.value(stmt.word);
        if (this.options.echo && depth === 0) this.echo(v, stmt.word);
        return 'next';
      }
      case 'while':
        return loop(stmt.body, depth + 1, () => this.cond(stmt.cond));
      case 'repeat': {
        const n = count({ value: this.value(stmt.count), word: stmt.count, span: stmt.count.span }, 'a repeat count');
        let i = 0;
        return loop(stmt.body, depth + 1, () => i++ < n);
      }
      case 'if':
        return block(this.cond(stmt.cond) ? stmt.then : stmt.otherwise, depth + 1);
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

  /** A waiting command's value arrived. */
  resume(stmt: Stmt, value: Value, depth: number): void {
    if (stmt.kind === 'command') this.finish(stmt, value, depth);
  }

  /** A waiting command failed. */
  failure(stmt: Stmt, error: unknown): unknown {
    if (stmt.kind !== 'command') return error;
    return failure(error, prepare(stmt.call, this.session.table).def, stmt.call, this.around);
  }

  /** A result as the REPL shows it (echo.ts). */
  private echo(v: Value, from: Word | null): void {
    for (const o of echoOutputs(v, from, this.session.describe, this.session.display === 'hex')) this.out(o);
  }

  /**
   * Export needs what the engine made: the name of a socket made without a target (udp1), and the
   * family of every socket made (a shortcut chooses it at run time from HOST's value).
   */
  private recordSocket(stmt: CommandStmt, result: Value): void {
    const made = result.kind === 'tuple' ? result.items[0] : result; // accept: (socket, address)
    if (made?.kind !== 'socket') return;
    const family = this.session.engine.endpoints(made.handle)?.family;
    if (family === undefined) return;
    // The socket the target held lives on under a new label: Python needs a variable of that name too.
    const held = this.holder;
    const moved = held !== null && held.handle.name !== held.label && this.session.engine.endpoints(held.handle) !== null;
    const displaced = moved ? { from: held.label, to: held.handle.name } : undefined;
    this.session.ran.made(
      stmt,
      displaced ? { name: made.handle.name, family, displaced } : { name: made.handle.name, family },
      made.handle.serial,
    );
  }

  /** The socket a statement's first target holds before it runs (a new socket may take its label), for export. */
  private holderOf(stmt: CommandStmt): { readonly handle: SocketHandle; readonly label: string } | null {
    const name = stmt.targets[0]?.name;
    const v = name !== undefined && this.scope.has(name) ? this.scope.get(name, stmt.span) : null;
    return v?.kind === 'socket' ? { handle: v.handle, label: v.handle.name } : null;
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
      this.out(
        this.options.job === undefined
          ? { kind: 'info', text: `>>> ${line}` }
          : { kind: 'info', text: `>>> ${line}`, job: this.options.job },
      );
    }
  }

  private value(word: Word): Value {
    return evaluate(word, this.scope, this.session.describe, this.inline);
  }

  /**
   * `(NAME ARGS)` inside an argument: the value command runs now. Only commands marked inline, which
   * never wait, may stand there (check.ts reports the others before anything runs).
   */
  private readonly inline = (word: CallWord): Value => {
    let stmt = INLINE.get(word);
    if (stmt === undefined) {
      const call: Call = { target: null, name: word.name, nameSpan: word.nameSpan, args: word.args };
      INLINE.set(word, (stmt = { kind: 'command', call, targets: [], background: false, span: word.span }));
    }
    const prepared = prepare(stmt.call, this.session.table);
    if (prepared.def.inline !== true) throw new ShellError(`${word.name} cannot stand inside an argument`, word.nameSpan);
    const result = this.start(prepared, stmt, this.blockOptions.signal);
    if (result instanceof Promise) throw new ShellError(`${word.name} waited inside an argument`, word.nameSpan);
    return result;
  };

  private cond(cond: Cond): boolean {
    switch (cond.kind) {
      case 'truthy':
        return truthy(this.value(cond.word));
      case 'compare': {
        const result = compare(cond.op, this.value(cond.left), this.value(cond.right));
        if (typeof result === 'string') throw new ShellError(result, cond.left.span);
        return result;
      }
      case 'match': {
        const result = match(cond.op, this.value(cond.left), this.value(cond.right));
        if (typeof result === 'string') throw new ShellError(result, cond.opSpan);
        return result;
      }
      case 'not':
        return !this.cond(cond.cond);
      case 'and':
        return this.cond(cond.left) && this.cond(cond.right);
      case 'or':
        return this.cond(cond.left) || this.cond(cond.right);
      default: {
        const exhaustive: never = cond;
        return exhaustive;
      }
    }
  }

  /** Every target was set on the command line (NAME=VALUE), so the statement is skipped. */
  private allFixed(targets: readonly Target[]): boolean {
    for (const t of targets) if (!this.scope.isFixed(t.name)) return false;
    return true;
  }

  private assign(targets: readonly Target[], value: Value, span: Span, what: string): void {
    if (targets.length === 1) {
      this.scope.set(targets[0]!.name, value);
      return;
    }
    // Any tuple unpacks, an address too, as Python's (host, port).
    const items = itemsOf(value);
    if (!items || items.length !== targets.length) {
      const got = items ? `${items.length} values` : `one value, ${repr(value, this.session.describe)}`;
      throw new ShellError(`${targets.length} names but ${what} gives ${got}`, span);
    }
    for (let i = 0; i < targets.length; i++) this.scope.set(targets[i]!.name, items[i]!);
  }

  private command(stmt: CommandStmt, signal: AbortSignal, depth: number): Step {
    if (stmt.targets.length > 0 && this.allFixed(stmt.targets)) return 'next';
    const prepared = prepare(stmt.call, this.session.table);
    if (stmt.background) {
      this.background(prepared.def, stmt);
      return 'next';
    }
    if (this.options.exported) this.holder = this.holderOf(stmt);
    const result = this.start(prepared, stmt, signal);
    if (result instanceof Promise) return result; // the machine calls resume or failure when it settles
    this.finish(stmt, result, depth);
    return 'next';
  }

  /** A command's result: assigned to its targets, kept as $_, and echoed at the prompt when nobody took it. */
  private finish(stmt: CommandStmt, result: Value, depth: number): void {
    if (this.options.exported) this.recordSocket(stmt, result);
    if (stmt.targets.length > 0) this.assign(stmt.targets, result, stmt.span, stmt.call.name);
    if (result.kind !== 'none') {
      this.scope.set('_', result);
      if (this.options.echo && depth === 0 && stmt.targets.length === 0) this.echo(result, null);
    }
  }

  /** `COMMAND &`: a job running the command in a child interpreter that shares this one's variables. */
  private background(def: CommandDef, stmt: CommandStmt): void {
    startJob(this.around, def, stmt, async (signal, job) => {
      const maxWait = this.options.maxWaitMs ? { maxWaitMs: this.options.maxWaitMs } : {};
      const child = new Interpreter(this.session, this.scope, this.out, { echo: false, job, ...maxWait });
      try {
        return await child.start(prepare(stmt.call, this.session.table), { ...stmt, background: false }, signal);
      } catch (e) {
        throw failure(e, def, stmt.call, this.around);
      }
    });
  }

  /**
   * Evaluates the arguments and starts the command's handler. A handler that throws at once has its
   * socket error translated here; one that rejects, by the caller (see failure).
   */
  private start(prepared: Prepared, stmt: CommandStmt, signal: AbortSignal): Value | Promise<Value> {
    const { call } = stmt;
    const { def, positional, flags, error } = prepared;
    if (error) throw new ShellError(error.message, error.span, 2);
    const { args, flagArgs } = callArguments(prepared, (word) => this.value(word), this.session.fileGuard);
    for (const i of prepared.bareData) {
      const text = bareNameWarning(call, positional[i]!, this.scope);
      if (text !== null)
        this.out(this.options.job === undefined ? { kind: 'warning', text } : { kind: 'warning', text, job: this.options.job });
    }
    if (this.blockOptions.signal !== signal) {
      this.blockOptions = this.options.maxWaitMs ? { signal, maxWaitMs: this.options.maxWaitMs } : { signal };
    }
    const a = coerceArgs(prepared.forms, args, prepared.values, flagArgs);
    refineArgs(def, { a, flags, forms: prepared.forms }, args, prepared.values, call.nameSpan);
    const ctx = new Invocation(this.around, def, call, a, args, flags, this.blockOptions, stmt.targets);
    try {
      return def.run(ctx) ?? NONE;
    } catch (e) {
      throw failure(e, def, call, this.around);
    }
  }
}

function pyType(v: Value): PyType {
  return v.kind === 'tuple' ? 'unknown' : v.kind;
}
