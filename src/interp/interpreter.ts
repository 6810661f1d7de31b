import type { Span, Stmt, Target, Word } from '../lang/ast.js';
import { itemsOf, repr, type Value } from '../lang/values.js';
import type { SessionServices } from '../spec/services.js';
import type { Trouble } from '../record/trouble.js';
import { count } from '../commands/coercers.js';
import { Cancelled, ShellError } from '../core/errors.js';
import type { OutputSink } from '../core/output.js';
import type { PyType } from '../spec/python.js';
import { prepare } from './prepared.js';
import { echoOutputs } from './echo.js';
import { Machine, block, loop, type Executor, type Step } from './machine.js';
import type { VarScope } from './scope.js';
import { Caller, type CommandStmt } from './caller.js';
import { holds } from './conditions.js';
import { holderOf, recordSocket, type Holder } from './made-sockets.js';
import { tracePython } from './trace.js';

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
 * Runs statements against a session: each statement's step for the machine (machine.ts), and what a
 * command's result does (assigned, kept as $_, echoed); the command itself is called by caller.ts.
 * Errors leave as ShellError (with the span of the word at fault) or Cancelled; socket errors become
 * ShellErrors pointing at the command.
 */
export class Interpreter implements Executor {
  /** What each name would be in the Python program, as traced so far (trace on). */
  private readonly pythonTypes = new Map<string, PyType>();
  /** For export: the socket the running statement's target held before it ran, and its label then. */
  private holder: Holder | null = null;
  private readonly calls: Caller;

  constructor(
    private readonly session: SessionServices,
    readonly scope: VarScope,
    private readonly out: OutputSink,
    private readonly options: InterpreterOptions,
  ) {
    this.calls = new Caller(session, scope, out, options);
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
        if (this.session.trace) this.trace(stmt);
        return this.command(stmt, signal, depth);
      case 'assign': {
        if (this.allFixed(stmt.targets)) return 'next';
        if (this.session.trace) this.trace(stmt);
        this.assign(stmt.targets, this.value(stmt.value), stmt.span, 'the value');
        return 'next';
      }
      case 'show': {
        const v = this.value(stmt.word);
        if (this.options.echo && depth === 0) this.echo(v, stmt.word);
        return 'next';
      }
      case 'while':
        return loop(stmt.body, depth + 1, () => holds(stmt.cond, this.value));
      case 'repeat': {
        const n = count({ value: this.value(stmt.count), word: stmt.count, span: stmt.count.span }, 'a repeat count');
        let i = 0;
        return loop(stmt.body, depth + 1, () => i++ < n);
      }
      case 'if':
        return block(holds(stmt.cond, this.value) ? stmt.then : stmt.otherwise, depth + 1);
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
    return this.calls.fail(error, prepare(stmt.call, this.session.table).def, stmt.call);
  }

  /** A result as the REPL shows it (echo.ts). */
  private echo(v: Value, from: Word | null): void {
    for (const o of echoOutputs(v, from, this.session.describe, this.session.display === 'hex')) this.out(o);
  }

  /** `trace on`: the Python this statement performs, as `>>> ` lines. */
  private trace(stmt: Stmt): void {
    tracePython(stmt, this.session.table, this.scope, this.pythonTypes, this.out, this.options.job);
  }

  private readonly value = (word: Word): Value => this.calls.value(word);

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
      this.calls.background(prepared.def, stmt);
      return 'next';
    }
    if (this.options.exported) this.holder = holderOf(stmt, this.scope);
    const result = this.calls.start(prepared, stmt, signal);
    if (result instanceof Promise) return result; // the machine calls resume or failure when it settles
    this.finish(stmt, result, depth);
    return 'next';
  }

  /** A command's result: assigned to its targets, kept as $_, and echoed at the prompt when nobody took it. */
  private finish(stmt: CommandStmt, result: Value, depth: number): void {
    if (this.options.exported) recordSocket(this.session, stmt, result, this.holder);
    if (stmt.targets.length > 0) this.assign(stmt.targets, result, stmt.span, stmt.call.name);
    if (result.kind !== 'none') {
      this.scope.set('_', result);
      if (this.options.echo && depth === 0 && stmt.targets.length === 0) this.echo(result, null);
    }
  }
}
