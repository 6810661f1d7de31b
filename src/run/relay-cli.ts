/**
 * `sockshell relay ARGS`: the relay command on the command line, as a socat one-liner is: it runs
 * in the foreground until Ctrl-C (or SIGTERM, as the caller's signal), saying where it listens, each
 * datagram it loses and its counts at the end as `#` lines on stderr (-q: none). Standard output
 * stays empty: a relay's bytes go to its sockets, not to the terminal; --log FILE writes them, both
 * ways, as a hex dump with time and addresses (socat -v -x).
 */
import { VarScope } from '../interp/scope.js';
import { runChunk } from '../session/chunk.js';
import { Session } from '../session/session.js';
import type { Io } from './io.js';
import type { Span } from '../core/span.js';
import { streamOutput } from './stream-output.js';
import { startLog } from './script.js';

const FILE = '<relay>';

/** A word of argv as the shell's lexer reads it: plain words as they are; anything else is refused. */
const PLAIN = /^[A-Za-z0-9_.:%[\]-]+$/;

/** Exit status: 130 when stopped by the signal (as every interrupted command here), 1 or 2 when it could not start. */
export async function runRelay(
  io: Io,
  argv: readonly string[],
  options: { quiet: boolean; signal: AbortSignal; log?: string },
): Promise<number> {
  const odd = argv.find((a) => !PLAIN.test(a));
  if (odd !== undefined) {
    io.stderr.write(`sockshell relay: unexpected argument '${odd}' (hosts, ports, numbers and --options only)\n`);
    return 2;
  }
  const out = streamOutput({ io, verbose: () => !options.quiet, raw: false, onError: () => undefined });
  const session = new Session({ interactive: false, out, readLine: () => Promise.resolve(null) });
  const interp = session.interpreter(new VarScope('main', FILE), { echo: false });
  const line = ['relay', ...argv].join(' ');
  /** An error about one word shows the line with a caret under it, as the shell's prompt does. */
  const error = (message: string, span: Span | null): void => {
    io.stderr.write(`sockshell relay: ${message}\n`);
    if (span !== null) io.stderr.write(`  ${line}\n  ${' '.repeat(span.col - 1)}${'^'.repeat(Math.max(1, span.width))}\n`);
  };
  try {
    // --log FILE: every byte that crosses the relay, both ways, as a hex dump (socat -v -x).
    if (options.log !== undefined && !(await startLog(session, options.log, io))) return 1;
    const result = await runChunk(interp, session.ran, line, 1, options.signal);
    switch (result.kind) {
      case 'cancelled':
        return 130;
      case 'syntax':
      case 'incomplete':
        for (const d of result.kind === 'syntax' ? result.diagnostics : []) error(d.message, d.span);
        return 2;
      case 'failed':
        error(result.error.message, result.error.span);
        return result.error.exit;
      case 'ok':
      case 'exit':
        return 0;
      default: {
        const exhaustive: never = result;
        return exhaustive;
      }
    }
  } finally {
    await session.close();
  }
}
