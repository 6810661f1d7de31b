import type { ProcessHooks } from './hooks.js';
import { usage } from './usage.js';

/** The subcommands a person types into: the interactive shell (no subcommand) and `record`. */

/** `sockshell` with standard input a terminal: the REPL; piped: a session without prompts. */
export async function shell(hooks: ProcessHooks, options: { readonly verbose: boolean; readonly raw: boolean }): Promise<number> {
  const controller = hooks.interrupts();
  if (!process.stdin.isTTY) {
    const { runPiped } = await import('../run/piped.js');
    return runPiped(standardIo(), { ...options, signal: controller.signal });
  }
  if (options.raw) return usage('--raw is for scripts and piped sessions; the interactive shell always escapes what peers send');
  hooks.terminalOwnsSignals();
  const { startRepl, defaultLessonState } = await import('../repl/repl.js');
  const { defaultHistoryFile } = await import('../repl/history.js');
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return startRepl({
    input: process.stdin,
    output: process.stdout,
    errorOutput: process.stderr,
    terminal,
    color: terminal && !process.env.NO_COLOR,
    history: defaultHistoryFile(),
    lessonState: defaultLessonState(),
  }).done;
}

/** `sockshell record FILE.sockt`. */
export async function recordAction(hooks: ProcessHooks, rest: readonly string[]): Promise<number> {
  const [file, ...extra] = rest;
  if (!file || extra.length) return usage('record needs one file: sockshell record FILE.sockt', 'record');
  hooks.terminalOwnsSignals();
  const { record } = await import('../transcript/record.js');
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return record(file, {
    input: process.stdin,
    output: process.stdout,
    errorOutput: process.stderr,
    terminal,
    color: terminal && !process.env.NO_COLOR,
    history: null,
  });
}

/**
 * The process's standard streams, each made on first use: a script that never reads stdin, or never
 * writes, does not pay for making the stream (for a pipe or a terminal, Node's socket and stream modules).
 */
export function standardIo() {
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
  };
}
