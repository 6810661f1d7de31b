/** Calls a command: evaluates its arguments (an inline `(NAME ARGS)` among them by calling it), starts its handler, or runs it as a background job. */

import type { HereOptions } from '../engine/types.js';
import type { Call, Stmt, Word } from '../lang/ast.js';
import { NONE, type Value } from '../lang/values.js';
import type { CommandDef } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';
import { coerceArgs, refineArgs } from '../commands/args.js';
import { ShellError } from '../core/errors.js';
import type { OutputSink } from '../core/output.js';
import { evaluate } from './evaluate.js';
import { startJob } from './background.js';
import { Invocation, type Surroundings } from './invocation.js';
import { bareNameWarning, prepare, type Prepared } from './prepared.js';
import { callArguments } from './arguments.js';
import { failure } from './failure.js';
import type { VarScope } from './scope.js';

export type CommandStmt = Extract<Stmt, { kind: 'command' }>;
type CallWord = Extract<Word, { kind: 'call' }>;

/** The statement each `(NAME ARGS)` word runs as, made once per word: prepare() caches by its Call. */
const INLINE = new WeakMap<CallWord, CommandStmt>();

/** What the calls of one interpreter share: InterpreterOptions' job, maxWaitMs and exported. */
export interface CallerOptions {
  readonly job?: number;
  readonly maxWaitMs?: number;
  readonly exported?: boolean;
}

export class Caller {
  readonly around: Surroundings;
  /** The BlockOptions of the last signal seen: every command of one run shares them. */
  private blockOptions: HereOptions & { signal: AbortSignal } = { here: true, signal: new AbortController().signal };

  constructor(
    private readonly session: SessionServices,
    private readonly scope: VarScope,
    private readonly out: OutputSink,
    private readonly options: CallerOptions,
  ) {
    this.around = {
      session,
      scope,
      out,
      job: options.job,
      ...(options.exported
        ? { touched: (serial: number) => session.ran.touch(serial), jobStarted: (job: number) => session.ran.started(job) }
        : {}),
    };
  }

  /** A word's value now; an inline call in it runs. */
  value(word: Word): Value {
    return evaluate(word, this.scope, this.session.describe, this.inline);
  }

  /** A command's error as the shell reports it (failure.ts). */
  fail(error: unknown, def: CommandDef, call: Call): unknown {
    return failure(error, def, call, this.around);
  }

  /**
   * Evaluates the arguments and starts the command's handler. A handler that throws at once has its
   * socket error translated here; one that rejects, by Interpreter.failure when the machine sees it settle.
   */
  start(prepared: Prepared, stmt: CommandStmt, signal: AbortSignal): Value | Promise<Value> {
    const { call } = stmt;
    const { def, positional, flags, error } = prepared;
    if (error) throw new ShellError(error.message, error.span, 2);
    const { args, flagArgs } = callArguments(prepared, (word) => this.value(word), this.session.fileGuard);
    for (const { at, data } of prepared.bareData) {
      const text = bareNameWarning(call, positional[at]!, this.scope, data);
      if (text !== null)
        this.out(this.options.job === undefined ? { kind: 'warning', text } : { kind: 'warning', text, job: this.options.job });
    }
    if (this.blockOptions.signal !== signal) {
      this.blockOptions = this.options.maxWaitMs ? { here: true, signal, maxWaitMs: this.options.maxWaitMs } : { here: true, signal };
    }
    const a = coerceArgs(prepared.forms, args, prepared.values, flagArgs);
    refineArgs(def, { a, flags, forms: prepared.forms }, args, prepared.values, call.nameSpan);
    const ctx = new Invocation(this.around, def, call, a, args, flags, this.blockOptions, stmt.targets);
    if (def.showsSockets === true) {
      // The kernel's news first, as events every view reads; a promise when only a turn of the loop can read it (UDP without the addon).
      const settling = this.session.engine.settle();
      if (settling !== undefined) return settling.then(() => def.run(ctx) ?? NONE);
    }
    try {
      return def.run(ctx) ?? NONE;
    } catch (e) {
      throw failure(e, def, call, this.around);
    }
  }

  /** `COMMAND &`: a job running the command with a caller of its own that shares these variables. */
  background(def: CommandDef, stmt: CommandStmt): void {
    startJob(this.around, def, stmt, async (signal, job) => {
      const maxWait = this.options.maxWaitMs ? { maxWaitMs: this.options.maxWaitMs } : {};
      const child = new Caller(this.session, this.scope, this.out, { job, ...maxWait });
      try {
        return await child.start(prepare(stmt.call, this.session.table), { ...stmt, background: false }, signal);
      } catch (e) {
        throw failure(e, def, stmt.call, this.around);
      }
    });
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
}
