import type { Block } from './format.js';
import { blockCanStillMatch, blockMatches, type Bindings } from './pattern.js';
import { parseProgramLine, programPrompt } from './program-lines.js';
import { INPUT_LOOK_MS } from './program-control.js';

/** What replay may do with the programs under test (one per --with, in order). */
export interface ProgramControl {
  /** Starts the program(s) a `program> start` line waits for; resolves with why it could not, or null. */
  start(): Promise<string | null>;
  /** How many programs there are: `program N> ` lines may name 1 to this. */
  readonly count: number;
  /** Program n (1 for `program> `, the first --with); undefined before it has started. */
  which(n: number): ProgramIo | undefined;
  /**
   * How a program that ended where the transcript does not expect it to ended, as feedback says it
   * (`the program ended (exit status 1)`); null while none has. Expected is an end a `program N> wait`
   * line of the transcript shows (a client's `exit status 0`); any other end (a server that crashed or
   * returned) means nothing more will come from it, and a wait for it ends at once, not at --timeout.
   */
  unexpectedEnd(): string | null;
  /**
   * How a program that waits for a line on its standard input, and has for half a second, is said
   * (`the program is waiting for a line on its standard input (input())`); null while none does. A
   * wait of the transcript's for the network then ends at once: only the transcript can give the line,
   * and only at a later line (a UDP client graded with a TCP client's transcript sat in input()).
   */
  waitsForInput(): string | null;
}

/** One program under test; with.ts's Peer provides it. */
export interface ProgramIo {
  /** Writes to its standard input; false when it has exited or its input is closed. */
  write(text: string): boolean;
  /** Closes its standard input. */
  end(): void;
  /**
   * Its output lines not yet checked, escaped as the shell escapes what peers send; `ended` once the
   * stream closed, and `unfinished` when the last of them had no newline (it counts only once ended).
   */
  lines(stream: 'stdout' | 'stderr'): { readonly lines: readonly string[]; readonly ended: boolean; readonly unfinished: boolean };
  /** Marks the first `n` lines of a stream as checked. */
  take(stream: 'stdout' | 'stderr', n: number): void;
  /** `exit status N` or `killed by SIGNAL` once it has ended; null while it runs (or before it started). */
  exit(): string | null;
  /**
   * Resolves at the next change to what lines() or exit() say: output on either stream, a stream's
   * end, the program's exit. Calls before that change share it; it may never come.
   */
  changed(): Promise<void>;
}

/** A program not started yet (its `program> start` is still to come): nothing written, nothing to read. */
const NOT_STARTED: ProgramIo = {
  write: () => false,
  end: () => undefined,
  lines: () => ({ lines: [], ended: false, unfinished: false }),
  take: () => undefined,
  exit: () => null,
  changed: () => new Promise<void>(() => undefined),
};

/**
 * Runs one `program> ` line and pushes what it showed onto `shown`. A check waits (bounded by the
 * timeout) until the program's output matches what the transcript expects or its stream ends, so
 * a correct program passes as soon as it has answered and a wrong one fails once it cannot.
 */
export async function runProgramBlock(
  block: Block,
  expected: readonly string[],
  options: {
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
    readonly program?: ProgramControl;
    /** --update: every line the program writes in --timeout is kept, so a check waits for them all even once it cannot match. */
    readonly keepGoing?: boolean;
  },
  bindings: Bindings,
  shown: string[],
): Promise<void> {
  const action = parseProgramLine(block.source);
  const program = options.program;
  if (typeof action === 'string') {
    shown.push(`(transcript: ${action})`);
    return;
  }
  if (program === undefined) {
    shown.push('(transcript: program> lines need a program under test: sockshell test --with "COMMAND")');
    return;
  }
  const deadline = Date.now() + options.timeoutMs;
  const seconds = `${options.timeoutMs / 1000} s`;
  if (action.kind === 'start') {
    const why = await program.start();
    if (why !== null) shown.push(`(the program did not start: ${why})`);
    return;
  }
  if (block.programNumber > program.count) {
    shown.push(
      `(transcript: ${programPrompt(block.programNumber)}needs --with ${block.programNumber} times; it was given ${program.count})`,
    );
    return;
  }
  const one: ProgramIo = program.which(block.programNumber) ?? NOT_STARTED;
  switch (action.kind) {
    case 'stdin':
      if (!one.write(action.text + '\n')) shown.push('(the program has ended or closed its standard input: nothing was written)');
      return;
    case 'eof':
      one.end();
      return;
    case 'stdout':
    case 'stderr': {
      for (;;) {
        const { lines, ended, unfinished } = one.lines(action.kind);
        // The first lines that match, however many more have come since.
        for (let n = lines.length; n >= 0; n--) {
          if (blockMatches(expected, lines.slice(0, n), bindings)) {
            shown.push(...lines.slice(0, n));
            one.take(action.kind, n);
            return;
          }
        }
        // Finished lines that already differ from what is expected: more output cannot make them match,
        // and waiting out --timeout only made a wrong program slow to fail (instructor trial 3, finding 2).
        // Said without a note on the stream, which they do not depend on: whether its end was seen before
        // them is timing. A last line cut short by the end is seen only after it, so it gets the note.
        const finished = unfinished ? lines.slice(0, -1) : lines;
        if (!options.keepGoing && !blockCanStillMatch(expected, finished, bindings)) {
          shown.push(...lines);
          one.take(action.kind, lines.length);
          return;
        }
        const asking = ended ? null : program.waitsForInput();
        if (ended || asking !== null || Date.now() > deadline || options.signal?.aborted) {
          shown.push(...lines);
          // Said either way: a bare `got: (nothing)` did not tell a stream that ended from one still open.
          shown.push(
            ended
              ? `(its ${action.kind} ended: the program closed it or exited; nothing more can come)`
              : asking !== null
                ? `(${asking}, so nothing more could come to its ${action.kind})`
                : `(no more ${action.kind} within ${seconds}: the program is still running)`,
          );
          one.take(action.kind, lines.length);
          return;
        }
        await nextChange(one, deadline, options.signal, program);
      }
    }
    case 'wait': {
      for (;;) {
        const exit = one.exit();
        if (exit !== null) {
          shown.push(exit);
          return;
        }
        const asking = program.waitsForInput();
        if (asking !== null) {
          shown.push(`(${asking}, so it could not end)`);
          return;
        }
        if (Date.now() > deadline || options.signal?.aborted) {
          shown.push(`(still running after ${seconds})`);
          return;
        }
        await nextChange(one, deadline, options.signal, program);
      }
    }
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

/**
 * Waits for the program's next change (its output, a stream's end, its exit), the deadline, the abort,
 * or the programs seen asleep in input() (ProgramControl.waitsForInput), whichever comes first. A check
 * looked every 5 ms instead: 200 looks a second at every line of its output while a program took its
 * time, the grader's CPU spent on nothing. It asks about input() every INPUT_LOOK_MS without reading the
 * output again: asleep there, a program changes nothing before the transcript types a line, and the
 * wait ran out --timeout.
 */
async function nextChange(one: ProgramIo, deadline: number, signal: AbortSignal | undefined, program: ProgramControl): Promise<void> {
  const change = one.changed();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      // One past the deadline, so the caller's `Date.now() > deadline` holds when it wakes.
      const look = new Promise<'look'>(
        (resolve) => (timer = setTimeout(() => resolve('look'), Math.min(INPUT_LOOK_MS, Math.max(0, deadline - Date.now()) + 1))),
      );
      const woke = await Promise.race([change, aborted, look]);
      clearTimeout(timer);
      if (woke !== 'look' || Date.now() > deadline || program.waitsForInput() !== null) return;
    }
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
