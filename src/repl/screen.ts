import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { REPLServer } from 'node:repl';
import { styleText } from 'node:util';
import type { Writable } from 'node:stream';

/**
 * Writing to the terminal around the line being typed. Text that arrives between commands (a
 * datagram waiting, a job's output) is drawn above the prompt, and the half-typed line is redrawn
 * below it untouched, wrapped lines included.
 */
export class Screen {
  /** A command is running: async text waits until it ends, so it never interleaves with its output. */
  busy = false;
  private readonly held: string[] = [];

  constructor(private readonly repl: REPLServer, private readonly output: Writable, private readonly terminal: boolean, private readonly color: boolean) {}

  dim(text: string): string {
    return this.color ? styleText('dim', text) : text;
  }

  red(text: string): string {
    return this.color ? styleText('red', text) : text;
  }

  /** Text that may arrive at any moment. */
  async(text: string): void {
    if (this.busy) this.held.push(text);
    else this.above(text);
  }

  /** Called when a command ends, before the next prompt. */
  flush(): void {
    const held = this.held.splice(0);
    for (const text of held) this.output.write(text + '\n');
  }

  private above(text: string): void {
    if (!this.terminal || process.env.TERM === 'dumb') {
      this.output.write(`\n${text}\n`);
      this.repl.displayPrompt(true);
      return;
    }
    const rows = this.repl.getCursorPos().rows;
    if (rows > 0) moveCursor(this.output, 0, -rows);
    cursorTo(this.output, 0);
    clearScreenDown(this.output);
    this.output.write(text + '\n');
    // readline remembers how many rows it drew last time; we cleared them ourselves.
    (this.repl as unknown as { prevRows: number }).prevRows = 0;
    this.repl.prompt(true);
  }
}
