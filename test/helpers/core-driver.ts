import { ShellCore } from '../../src/repl/core.js';
import type { ShellLine } from '../../src/repl/view.js';
import { HANG_MS } from './wait.js';

/**
 * Drives the interactive shell's core in-process, as the REPL does: one chunk at a time, blocks
 * buffered until their `end`. Every command is bounded: past its deadline it gets a Ctrl-C, and a
 * command that does not end soon after that is reported as a hang.
 */
export interface Ran {
  /** The lines shown while the command ran (notices held back during it come out at its end). */
  readonly lines: readonly ShellLine[];
  /** The command's own output, without notices and job lines that happened to arrive meanwhile. */
  readonly out: string;
  readonly err: string;
  /** The command got a Ctrl-C because it ran past its deadline. */
  readonly interrupted: boolean;
}

export interface CoreDriverOptions {
  readonly maxWaitMs?: number;
  /** What `input` reads; default: end of input. */
  readonly readLine?: () => Promise<string | null>;
  /** Sees every line, including those that arrive between commands. */
  readonly onLine?: (line: ShellLine) => void;
  /** Where lessons keep their place between sessions (ShellCoreOptions.lessonState); absent: this session only. */
  readonly lessonState?: string;
}

export class CoreDriver {
  readonly core: ShellCore;
  exits = 0;
  private current: ShellLine[] = [];
  /** Lines are kept only while a command runs; those between commands go to onLine alone. */
  private collecting = false;
  private buffer: string[] = [];

  constructor(options: CoreDriverOptions = {}) {
    this.core = new ShellCore({
      sink: (line) => {
        options.onLine?.(line);
        if (this.collecting) this.current.push(line);
      },
      readLine: options.readLine ?? (async () => null),
      caretUnderInput: true,
      ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
      onExit: () => (this.exits += 1),
      ...(options.lessonState !== undefined ? { lessonState: options.lessonState } : {}),
    });
  }

  /** Runs source (one or more lines) as one chunk; Ctrl-C after deadlineMs; fails if it hangs past that. */
  async run(source: string, deadlineMs = HANG_MS, graceMs = HANG_MS): Promise<Ran> {
    this.current = [];
    this.collecting = true;
    let finished = false;
    const run = this.core.execute(source + '\n').then(() => (finished = true));
    let interrupted = false;
    const timer = setTimeout(() => {
      interrupted = this.core.interrupt();
    }, deadlineMs);
    try {
      await Promise.race([run, delay(deadlineMs + graceMs)]);
    } finally {
      clearTimeout(timer);
      this.collecting = false;
    }
    if (!finished) throw new Error(`hang: ${JSON.stringify(source)} did not end ${graceMs} ms after Ctrl-C`);
    const lines = this.current;
    this.current = [];
    const text = (channel: 'out' | 'err') =>
      lines
        .filter((l) => l.channel === channel && !l.async)
        .map((l) => l.text + '\n')
        .join('');
    return { lines, out: text('out'), err: text('err'), interrupted };
  }

  /**
   * Feeds one typed line as the REPL does: lines of an open block are buffered (node:repl shows
   * "..."), and the chunk runs once it is complete. Returns null while buffering.
   */
  async type(line: string, deadlineMs?: number): Promise<Ran | null> {
    this.buffer.push(line);
    const source = this.buffer.join('\n');
    if (this.core.needsMore(source) && this.buffer.length < 12) return null;
    this.buffer = [];
    return this.run(source, deadlineMs);
  }

  /** Runs lines one by one and fails on the first error line of theirs. Returns the stdout of all of them. */
  async ok(...lines: string[]): Promise<string> {
    let out = '';
    for (const line of lines) {
      const ran = await this.run(line);
      const errors = ran.lines.filter((l) => l.channel === 'err' && !l.async);
      if (errors.length > 0) throw new Error(`${line}\n${errors.map((l) => l.text).join('\n')}`);
      out += ran.out;
    }
    return out;
  }

  close(): Promise<void> {
    return this.core.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Every line a command showed, both channels and notices, as one text: for what a command says beside its output. */
export function allLines(ran: Ran): string {
  return ran.lines.map((l) => l.text).join('\n');
}

/**
 * Output without the `#` lines a receiving call says at the prompt (issue 12): that it waits (which is
 * timing), what arrived, how many more datagrams wait. For tests about something else.
 */
export function withoutReceiveNotes(out: string): string {
  return out.replace(/^# \S+ is waiting for .*\n|^# \S+ = b['"].*\n|^# \d+ more datagrams? .*\n/gm, '');
}
