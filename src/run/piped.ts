import { VarScope } from '../interp/scope.js';
import { OpenBlocks } from '../lang/open-blocks.js';
import { runChunk } from '../session/chunk.js';
import { Session } from '../session/session.js';
import type { Io } from './io.js';
import { LineReader } from './lines.js';
import { streamOutput } from './stream-output.js';

const FILE = '<stdin>';

/**
 * `sockshell < session.sock`: runs standard input as a session without prompts. Each command
 * completes before the next line is read; an error is reported and the session goes on, as in
 * bash or sqlite3. Returns 2 if any line had a syntax error, else 1 if any command failed, else 0.
 */
export async function runPiped(io: Io, options: { verbose: boolean; raw?: boolean; signal: AbortSignal }): Promise<number> {
  const lines = new LineReader(io.stdin);
  let status = 0;
  const fail = (s: 1 | 2) => (status = Math.max(status, s));
  const verbose = (): boolean => options.verbose || session.trace;
  const out = streamOutput({
    io,
    verbose,
    raw: options.raw === true,
    onError: () => fail(1),
  });
  const session: Session = new Session({ interactive: false, showsInfo: verbose, out, readLine: (_prompt, signal) => lines.next(signal) });
  const interp = session.interpreter(new VarScope('main', FILE), { echo: false, exported: true });
  // The lines of the chunk being read: one line, or a block up to its `end`. A block is compiled once,
  // when `blocks` says it is whole, not on every line (which made a 10,000-line block take minutes);
  // an error inside it is therefore reported with the whole block, and none of the block runs.
  let buffer: string[] = [];
  let first = 1;
  const blocks = new OpenBlocks();
  try {
    for (;;) {
      const line = await lines.next();
      if (line === null) break;
      if (buffer.length === 0) first = lines.count;
      buffer.push(line);
      if (blocks.feed(line, lines.count) > 0) continue;
      const result = await runChunk(interp, session.ran, buffer.join('\n'), first, options.signal);
      if (result.kind === 'incomplete') continue; // not expected: OpenBlocks counts as the parser does
      buffer = [];
      blocks.reset();
      switch (result.kind) {
        case 'ok':
          break;
        case 'syntax':
          for (const d of result.diagnostics) out({ kind: 'error', message: d.message, span: d.span, file: FILE });
          fail(2);
          break;
        case 'failed':
          out({ kind: 'error', message: result.error.message, span: result.error.span, file: result.error.file ?? FILE });
          fail(result.error.exit);
          break;
        case 'cancelled':
          io.stderr.write(`${FILE}: interrupted${result.detail === null ? '' : `: ${result.detail}`}\n`);
          return 130;
        case 'exit':
          return result.status || status;
        default: {
          const exhaustive: never = result;
          return exhaustive;
        }
      }
    }
    if (buffer.length > 0) {
      const result = await runChunk(interp, session.ran, buffer.join('\n') + '\n', first, options.signal);
      if (result.kind === 'syntax' || result.kind === 'incomplete') {
        io.stderr.write(`${FILE}:${first}:1: block is not closed at end of input: add 'end'\n`);
        fail(2);
      }
    }
    return status;
  } finally {
    await session.close();
  }
}
