/**
 * The control flow of one run of a program, as an explicit stack of frames, so that a statement that
 * waits (a socket call) suspends the run without a promise per level of nesting.
 *
 * The machine runs statements synchronously until one waits. It then hangs one callback on that
 * statement's promise and returns; the callback finishes the statement and drives on from the same
 * frames. So a waiting command costs the machine one `then`, however deep in loops and ifs it sits,
 * and a statement that does not wait costs no promise at all. A loop's frame is reused for every pass.
 */
import type { Stmt } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import { Cancelled } from '../core/errors.js';

/** How a statement that finished at once leaves the block it is in. */
export type Flow = 'next' | 'break' | 'continue';

/** A block being run: the program, an if's branch, or a loop's body. */
export interface Frame {
  readonly body: readonly Stmt[];
  /** The next statement to run. */
  i: number;
  /** 0 for the program itself: only its statements echo their results. */
  readonly depth: number;
  /** For a loop's body, whether to run it again; null for a block that runs once. */
  readonly more: (() => boolean) | null;
}

/** What running one statement asks of the machine: go on, enter a block, or wait for a value. */
export type Step = Flow | Frame | Promise<Value>;

/** The statements themselves, as the interpreter runs them. */
export interface Executor {
  statement(stmt: Stmt, depth: number, signal: AbortSignal): Step;
  /** The value a waiting statement was waiting for arrived: finish the statement with it. */
  resume(stmt: Stmt, value: Value, depth: number): void;
  /** The waiting statement failed: the error to end the run with. */
  failure(stmt: Stmt, error: unknown): unknown;
}

/** Loops yield to the event loop this often, so Ctrl-C, timers and arriving data get their turn. */
const YIELD_EVERY = 256;

export function block(body: readonly Stmt[], depth: number): Frame {
  return { body, i: 0, depth, more: null };
}

/** A loop's frame. It starts at the end of its body, so the machine asks more() before every pass, the first included. */
export function loop(body: readonly Stmt[], depth: number, more: () => boolean): Frame {
  return { body, i: body.length, depth, more };
}

export class Machine {
  private readonly frames: Frame[];
  private passes = 0;
  /** The statement waiting for a value, and the depth it runs at. */
  private waiting: Stmt | null = null;
  private waitingDepth = 0;
  private resolve: (() => void) | null = null;
  private reject: ((error: unknown) => void) | null = null;

  constructor(
    private readonly exec: Executor,
    program: readonly Stmt[],
    private readonly signal: AbortSignal,
  ) {
    this.frames = [block(program, 0)];
  }

  /** Runs the program to its end: resolves when it has, rejects with the error that ended it. */
  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.drive();
    });
  }

  /** Runs statements until the program ends, one waits, a loop yields, or one throws. */
  private readonly drive = (): void => {
    try {
      this.steps();
    } catch (error) {
      this.fail(error);
    }
  };

  private steps(): void {
    const frames = this.frames;
    for (;;) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) return this.done();
      if (frame.i >= frame.body.length) {
        if (frame.more === null || !frame.more()) {
          frames.pop();
          continue;
        }
        // Another pass. An empty body (or one of comments) comes back here at once, still yielding and
        // still stopped by Ctrl-C.
        frame.i = 0;
        if (++this.passes % YIELD_EVERY === 0) {
          setImmediate(this.drive);
          return;
        }
        if (this.signal.aborted) throw new Cancelled('the loop');
        continue;
      }
      const stmt = frame.body[frame.i++]!;
      const step = this.exec.statement(stmt, frame.depth, this.signal);
      if (step === 'next') continue;
      if (typeof step === 'string') this.leave(step);
      else if (step instanceof Promise) {
        this.waiting = stmt;
        this.waitingDepth = frame.depth;
        step.then(this.onValue, this.onError);
        return;
      } else frames.push(step);
    }
  }

  /** break and continue: out to the innermost loop, which then ends (break) or goes round (continue). */
  private leave(flow: 'break' | 'continue'): void {
    const frames = this.frames;
    for (let frame = frames.pop(); frame !== undefined; frame = frames.pop()) {
      if (frame.more === null) continue;
      if (flow === 'continue') {
        frame.i = frame.body.length; // the loop's condition decides whether there is another pass
        frames.push(frame);
      }
      return;
    }
  }

  private readonly onValue = (value: Value): void => {
    const stmt = this.waiting!;
    this.waiting = null;
    try {
      this.exec.resume(stmt, value, this.waitingDepth);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.drive();
  };

  private readonly onError = (error: unknown): void => {
    const stmt = this.waiting!;
    this.waiting = null;
    this.fail(this.exec.failure(stmt, error));
  };

  private done(): void {
    this.resolve?.();
  }

  private fail(error: unknown): void {
    this.frames.length = 0;
    this.reject?.(error);
  }
}
