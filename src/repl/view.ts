import { diagnosticLine, messageLine } from '../render/message.js';
import { terminalSafe } from '../render/terminal.js';
import type { Output } from '../core/output.js';

/**
 * The file name of what is typed at the prompt. An error from a job started there is shown without
 * it: `<repl>:1:1` names no file, and its line is the typed chunk's, not one a user could look up
 * (the job's `failed:` line says which command it was).
 */
export const REPL_FILE = '<repl>';

/**
 * One line of what the interactive shell shows: plain, terminal-safe text without colour, so the
 * REPL, the recorder and transcript replay all see the same lines.
 */
export interface ShellLine {
  readonly text: string;
  readonly channel: 'out' | 'err';
  /** Arrived on its own (a notice, a background job's output), not as the output of the command typed. */
  readonly async: boolean;
  readonly style: 'plain' | 'dim' | 'error';
  /** A notice's socket (Output's serial): one held back while a command ran is not shown once it is closed. */
  readonly about?: number;
  /** A notice of bytes waiting: the bytes its socket held queued then (Output's queued); held back, it is dropped once fewer are. */
  readonly queued?: number;
  /**
   * The line is text a command showed or a program printed (a program export shows, a script save
   * shows, a value): never broken at a terminal's width, as its lines are what a person copies (a `#`
   * comment broken onto an indented line is no comment). The shell's own words are broken at spaces.
   */
  readonly asIs?: true;
}

const safe = (text: string) => terminalSafe(Buffer.from(text, 'utf8'));
const line = (text: string, channel: 'out' | 'err', style: ShellLine['style'], async = false): ShellLine => ({
  text,
  channel,
  async,
  style,
});

/** A background job's lines carry its number, as bash's [1] does. */
function fromJob(job: number | undefined, text: string, channel: 'out' | 'err', style: ShellLine['style']): ShellLine {
  return job === undefined ? line(text, channel, style) : line(`[${job}] ${text}`, channel, style, true);
}

export function outputLines(o: Output): ShellLine[] {
  switch (o.kind) {
    case 'print':
      return terminalSafe(o.data)
        .replace(/\n$/, '')
        .split('\n')
        .map((t) => ({ ...fromJob(o.job, t, 'out', 'plain'), asIs: true }));
    case 'display':
    case 'value':
      return safe(o.text)
        .split('\n')
        .map((t) => ({ ...line(t, 'out', 'plain'), asIs: true }));
    case 'info':
      // `>>> ` lines are the Python a statement performs (trace on); the rest say what happened beneath.
      return [fromJob(o.job, o.text.startsWith('>>> ') ? messageLine(o.text) : `# ${messageLine(o.text)}`, 'out', 'dim')];
    case 'warning':
      return [fromJob(o.job, `warning: ${messageLine(o.text)}`, 'err', 'plain')];
    case 'notice':
      return [
        {
          ...line(`[${o.tag}] ${messageLine(o.text)}`, 'out', 'dim', true),
          ...(o.serial !== undefined && { about: o.serial }),
          ...(o.queued !== undefined && { queued: o.queued }),
        },
      ];
    case 'traffic':
      // Bytes cross a socket whenever they do, not as a command's output: drawn above the prompt as a
      // notice is, not after it (user trial: `sockshell u> < 2026-… u … UDP 7 bytes`).
      return o.text.split('\n').map((t) => line(t, 'out', 'dim', true));
    case 'progress':
      return []; // not a line: the REPL draws it in place at a terminal (ShellCoreOptions.progress)
    case 'error': {
      const text = o.file === REPL_FILE ? messageLine(o.message) : diagnosticLine(o.file, o.span, o.message);
      return [fromJob(o.job, `${o.job === undefined ? 'error: ' : ''}${text}`, 'err', 'error')];
    }
    default: {
      const exhaustive: never = o;
      return exhaustive;
    }
  }
}
