import type { Writable } from 'node:stream';
import { terminalSafe } from '../render/terminal.js';
import type { Output, OutputSink } from '../session/output.js';

export interface StreamOutputOptions {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  /** -v, or `trace on`: also write info and notices to stderr, as `# …` lines. Asked each time. */
  readonly verbose: boolean | (() => boolean);
  /** Called for every error, so runners can set the exit status. */
  readonly onError?: (output: Extract<Output, { kind: 'error' }>) => void;
}

/**
 * Output for scripts and piped sessions: stdout gets exactly what print and the display commands
 * write, so scripts work in pipelines; everything else goes to stderr. Raw bytes reach stdout only
 * when it is not a terminal.
 */
export function streamOutput(options: StreamOutputOptions): OutputSink {
  const { stdout, stderr } = options;
  const verbose = () => (typeof options.verbose === 'function' ? options.verbose() : options.verbose);
  const toTerminal = (w: Writable & { isTTY?: boolean }, text: string) => w.write(w.isTTY ? terminalSafe(Buffer.from(text)) : text);
  return (o) => {
    switch (o.kind) {
      case 'print':
        stdout.write(stdout.isTTY ? terminalSafe(o.data) : o.data);
        return;
      case 'display':
        toTerminal(stdout, o.text + '\n');
        return;
      case 'value':
        return;
      case 'info':
        if (verbose()) toTerminal(stderr, o.text.startsWith('>>> ') ? `${o.text}\n` : `# ${o.text}\n`);
        return;
      case 'notice':
        if (verbose()) toTerminal(stderr, `[${o.tag}] ${o.text}\n`);
        return;
      case 'warning':
        toTerminal(stderr, `warning: ${o.text}\n`);
        return;
      case 'error':
        options.onError?.(o);
        toTerminal(stderr, `${o.job !== undefined ? `[${o.job}] ` : ''}${location(o)}${o.message}\n`);
        return;
      default: {
        const exhaustive: never = o;
        return exhaustive;
      }
    }
  };
}

export function location(o: Extract<Output, { kind: 'error' }>): string {
  return o.span ? `${o.file}:${o.span.line}:${o.span.col}: ` : `${o.file}: `;
}
