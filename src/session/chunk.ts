import { compile } from '../commands/check.js';
import type { Diagnostic } from '../lang/ast.js';
import { unknownVariable } from '../lang/python-habits.js';
import type { ParseResult } from '../lang/parser.js';
import type { Interpreter } from '../interp/interpreter.js';
import { Cancelled, ExitRequest, ShellError, SocketCallError } from '../core/errors.js';
import type { ExportLog } from '../record/export-log.js';

/** The outcome of one chunk of typed or piped input, as a value the adapter renders. */
export type ChunkResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'incomplete' } // an open block: read more lines
  | { readonly kind: 'syntax'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'failed'; readonly error: ShellError }
  | { readonly kind: 'cancelled'; readonly what: string; readonly detail: string | null }
  | { readonly kind: 'exit'; readonly status: number };

/**
 * Compiles and runs one chunk (a line, or the lines of a block) in an interpreter that keeps its
 * variables between chunks. Shared by the REPL and piped sessions, so both can be exported and saved:
 * a chunk that ran to its end goes into `ran`, and so does a `while` loop ended by Ctrl-C. Never
 * throws for user errors.
 */
export async function runChunk(
  interp: Interpreter,
  ran: ExportLog,
  source: string,
  firstLine: number,
  signal: AbortSignal,
  /** The chunk already compiled from `source` at `firstLine`, when the caller had to compile it to know it was complete. */
  compiled: ParseResult = compile(source, firstLine),
): Promise<ChunkResult> {
  const { program, incomplete } = compiled;
  if (incomplete) return { kind: 'incomplete' };
  const diagnostics = compiled.diagnostics.map((d) => unknownVariable(d, (name) => interp.scope.has(name)));
  if (diagnostics.length > 0) {
    interp.remember({ kind: 'syntax', message: diagnostics[0]!.message });
    return { kind: 'syntax', diagnostics };
  }
  try {
    ran.begin();
    await interp.run(program, signal);
    ran.add(program, source, firstLine);
    return { kind: 'ok' };
  } catch (e) {
    if (e instanceof ShellError) {
      // An interact a reset ended is kept as the calls it made before it (ExportLog.ranAs): they do not fail again.
      if (ran.standsIn(program)) ran.add(program, source, firstLine, { cutShort: true });
      // One socket call the OS refused is kept as it ran, failing: what it took (a reset, the time of a
      // timeout) shapes the calls after it, so an exported program without it would go differently.
      else if (e instanceof SocketCallError && program.length === 1 && program[0]!.kind === 'command')
        ran.add(program, source, firstLine, { failed: { python: e.python, message: e.message } });
      interp.remember({ kind: 'error', code: null, message: e.message });
      return { kind: 'failed', error: e };
    }
    if (e instanceof Cancelled) {
      // Ctrl-C is how a server loop ends, at the prompt as in Python: the loop is the program, so it
      // is kept; and how interact ends, which is kept as the calls it made. Any other cancelled call
      // gave up waiting and is not.
      if (program.some((s) => s.kind === 'while') || ran.standsIn(program)) ran.add(program, source, firstLine);
      return { kind: 'cancelled', what: e.what, detail: e.detail };
    }
    if (e instanceof ExitRequest) return { kind: 'exit', status: e.status };
    // A bug of ours: report it as one line rather than a stack trace, and keep the session alive.
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { kind: 'failed', error: new ShellError(`internal error (please report it): ${message}`, null) };
  }
}
