import type { Writable } from 'node:stream';
import { diagnosticLine, messageLine } from '../render/message.js';
import { terminalSafe } from '../render/terminal.js';
import type { Output, OutputSink } from '../core/output.js';

export interface StreamOutputOptions {
  /**
   * Where output goes. Each stream is read from here when something is written to it, not before: the
   * process's own are made on first use (standardIo), and a run that writes nothing makes none.
   */
  readonly io: { readonly stdout: Writable & { isTTY?: boolean }; readonly stderr: Writable & { isTTY?: boolean } };
  /** -v, or `trace on`: also write info and notices to stderr, as `# …` lines. Asked each time. */
  readonly verbose: boolean | (() => boolean);
  /**
   * --raw: print writes its bytes unescaped even to a terminal, for a user who trusts the peer and
   * wants its escape sequences to act (colours, a curses screen). Only the person starting sockshell
   * can ask for it; nothing in a script can.
   */
  readonly raw?: boolean;
  /** Called for every error, so runners can set the exit status. */
  readonly onError?: (output: Extract<Output, { kind: 'error' }>) => void;
}

/**
 * Output for scripts and piped sessions: stdout gets exactly what print and the display commands
 * write, so scripts work in pipelines; everything else goes to stderr. print's bytes reach stdout
 * raw only when it is not a terminal (or with --raw), as curl refuses to dump binary to a terminal.
 * Messages on stderr are always one line of plain text (messageLine), wherever stderr goes.
 */
export function streamOutput(options: StreamOutputOptions): OutputSink {
  const { io } = options;
  const verbose = () => (typeof options.verbose === 'function' ? options.verbose() : options.verbose);
  let rawPrint: boolean | undefined;
  return (o) => {
    switch (o.kind) {
      case 'print': {
        const { stdout } = io;
        rawPrint ??= options.raw === true || !stdout.isTTY;
        stdout.write(rawPrint ? o.data : terminalSafe(o.data));
        return;
      }
      case 'display': {
        const { stdout } = io;
        stdout.write((stdout.isTTY ? terminalSafe(Buffer.from(o.text)) : o.text) + '\n');
        return;
      }
      case 'value':
        return;
      case 'info':
        if (verbose()) io.stderr.write(o.text.startsWith('>>> ') ? `${messageLine(o.text)}\n` : `# ${messageLine(o.text)}\n`);
        return;
      case 'notice':
        if (verbose()) io.stderr.write(`[${o.tag}] ${messageLine(o.text)}\n`);
        return;
      case 'warning':
        io.stderr.write(`warning: ${messageLine(o.text)}\n`);
        return;
      case 'traffic':
        io.stderr.write(`${o.text}\n`); // terminal-safe already; stdout stays the script's own output
        return;
      case 'progress':
        if (io.stderr.isTTY) io.stderr.write(`\r\x1b[K${o.text === null ? '' : terminalSafe(Buffer.from(o.text))}`);
        return;
      case 'error':
        options.onError?.(o);
        io.stderr.write(`${o.job !== undefined ? `[${o.job}] ` : ''}${diagnosticLine(o.file, o.span, o.message)}\n`);
        return;
      default: {
        const exhaustive: never = o;
        return exhaustive;
      }
    }
  };
}
