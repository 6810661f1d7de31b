import { readFileSync } from 'node:fs';
import { compile } from '../commands/check.js';
import { variables } from '../lang/variables.js';
import { diagnosticLine } from '../render/message.js';
import { Cancelled, ExitRequest, ShellError } from '../core/errors.js';
import { Session } from '../session/session.js';
import type { Stmt } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import { writePrompt, type Io } from './io.js';
import { LineReader } from './lines.js';
import { streamOutput } from './stream-output.js';

export interface ScriptOptions {
  readonly overrides: ReadonlyMap<string, Value>;
  readonly verbose: boolean;
  /** --raw: print's bytes go to a terminal unescaped (see StreamOutputOptions.raw). */
  readonly raw?: boolean;
  readonly signal: AbortSignal;
  /** --log FILE: the traffic log (as `log on FILE`) from the first call on. */
  readonly log?: string;
  /** Blocking calls may wait in the native addon while no background job runs (SessionOptions.nativeCalls). */
  readonly nativeCalls?: boolean;
}

/** Reads and validates a script; prints every diagnostic as FILE:LINE:COL. Null if it has errors. */
export async function loadScript(file: string, io: Io, known: Iterable<string> = []): Promise<readonly Stmt[] | null> {
  let source: string;
  try {
    // Sync: the first asynchronous file call starts libuv's thread pool (four threads), ~2.5 ms of a
    // start-up; nothing else runs yet that the read could hold up.
    source = readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr.write(`sockshell: can't read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return null;
  }
  const { program, diagnostics } = compile(source, 1, { known });
  for (const d of diagnostics) io.stderr.write(diagnosticLine(file, d.span, d.message) + '\n');
  return diagnostics.length ? null : program;
}

/**
 * `sockshell run FILE`: stops at the first error. Returns the exit status: the error's, else 1 if a
 * background job failed (even one the script never waited for), else 0.
 */
export async function runScript(file: string, io: Io, options: ScriptOptions): Promise<number> {
  const program = await loadScript(file, io, options.overrides.keys());
  if (program === null) return 2;
  // An override replaces the script's own assignment, or gives a name the script only reads its value:
  // either way it sets something. One the script never mentions is most likely a misspelling.
  const { assigned, uses } = variables(program);
  const named = new Set([...assigned, ...uses.map((u) => u.name)]);
  for (const name of options.overrides.keys()) {
    if (named.has(name)) continue;
    const near = [...named].find((a) => a.toLowerCase() === name.toLowerCase());
    io.stderr.write(`warning: ${name}=… sets nothing: ${file} never assigns nor reads ${name}${near ? `; did you mean ${near}?` : ''}\n`);
  }
  // Standard input is opened by the first `input`, not before: most scripts never read it, and
  // making the stream costs a start-up a few milliseconds.
  let stdinLines: LineReader | null = null;
  // A background job's failure is printed when it happens; the exit status must still say so at the end.
  let jobFailed = false;
  const verbose = (): boolean => options.verbose || session.trace;
  const session: Session = new Session({
    interactive: false,
    showsInfo: verbose,
    nativeCalls: options.nativeCalls === true,
    out: streamOutput({
      io,
      verbose,
      raw: options.raw === true,
      onError: () => (jobFailed = true),
    }),
    readLine: (text, signal) => {
      writePrompt(io, text);
      stdinLines ??= new LineReader(io.stdin);
      return stdinLines.next(signal);
    },
  });
  try {
    if (options.log !== undefined && !(await startLog(session, options.log, io))) return 1;
    await session.runProgram(program, file, options.overrides, { signal: options.signal });
    // Its jobs stop with it (session.close), as its sockets close: said, or one that had yet to fail went unheard.
    for (const j of session.jobs.list())
      if (j.state === 'running')
        io.stderr.write(
          `warning: ${file} ended with job %${j.id} still running (${j.command}): it stops with the script; wait %${j.id} waits for it\n`,
        );
    return jobFailed ? 1 : 0;
  } catch (e) {
    if (e instanceof ExitRequest) return e.status || (jobFailed ? 1 : 0);
    if (e instanceof Cancelled) {
      // Where it was, as Python's KeyboardInterrupt traceback says: a script is usually stopped while a call waits.
      const detail = e.detail === null ? '' : `; ${e.detail}`;
      io.stderr.write(
        e.span === null
          ? `${file}: interrupted${detail}\n`
          : diagnosticLine(e.file ?? file, e.span, `interrupted while ${e.what} waited${detail}`) + '\n',
      );
      return 130;
    }
    if (e instanceof ShellError) {
      io.stderr.write(diagnosticLine(e.file ?? file, e.span, e.message) + '\n');
      return e.exit;
    }
    throw e;
  } finally {
    await session.close();
  }
}

/** --log FILE: the traffic log from the start, as a hex dump (exact); false, said on stderr, when FILE cannot be opened. */
export async function startLog(session: Session, file: string, io: Io): Promise<boolean> {
  try {
    await session.traffic.start({ file, form: 'hex' });
    return true;
  } catch (e) {
    io.stderr.write(`sockshell: can't open ${file} for the traffic log (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return false;
  }
}
