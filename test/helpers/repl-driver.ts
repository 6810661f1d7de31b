import { PassThrough } from 'node:stream';
import { startRepl } from '../../src/repl/repl.js';
import { HANG_MS, waitFor } from './wait.js';

/**
 * Drives the REPL in-process through its streams, as a person would type: one line at a time,
 * waiting (bounded) for output before the next.
 */
export class ReplDriver {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly errors = new PassThrough();
  out = '';
  err = '';
  readonly done: Promise<number>;
  readonly interrupt: () => void;
  readonly busy: () => boolean;

  constructor() {
    this.output.on('data', (d: Buffer) => (this.out += d.toString()));
    this.errors.on('data', (d: Buffer) => (this.err += d.toString()));
    const repl = startRepl({
      input: this.input,
      output: this.output,
      errorOutput: this.errors,
      terminal: false,
      color: false,
      history: null,
    });
    this.done = repl.done;
    this.interrupt = repl.interrupt;
    this.busy = repl.busy;
  }

  /** Types a line and waits until the shell is back at a prompt. */
  async type(line: string, timeoutMs = HANG_MS): Promise<{ out: string; err: string }> {
    const o = this.out.length;
    const e = this.err.length;
    this.input.write(line + '\n');
    await this.until(() => /(sockshell[^\n>]*> |\.\.\. )$/.test(this.out.slice(o)), `a prompt after ${JSON.stringify(line)}`, timeoutMs);
    return { out: this.out.slice(o).replace(/(sockshell[^\n>]*> |\.\.\. )$/, ''), err: this.err.slice(e) };
  }

  /** Types a line without waiting for it to finish (for blocking calls). */
  send(line: string): void {
    this.input.write(line + '\n');
  }

  until(check: () => boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
    return waitFor(check, () => `${what}; out=${JSON.stringify(this.out)} err=${JSON.stringify(this.err)}`, timeoutMs);
  }

  async close(): Promise<number> {
    this.input.end();
    return this.done;
  }
}
