import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { REPLServer } from 'node:repl';
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import type { ShellLine } from './view.js';
import { WriteStream } from 'node:tty';
import { wrapWords } from '../render/wrap.js';
import { terminalSafe } from '../render/terminal.js';

/** The columns a message needs beside its carets; with fewer left, it goes on the lines under them. */
const ROOM_AFTER_CARETS = 20;

/**
 * Writes shell lines to a terminal. Lines that arrive between commands (a datagram waiting, a job's
 * output) are drawn above the prompt, and the half-typed line is redrawn below them untouched,
 * wrapped lines included.
 */
export class Screen {
  /** Lines were drawn above the prompt and it has not been drawn again yet. */
  private promptDue = false;
  /** What is drawn before the typing while a command reads a line (lead()); '' for nothing. */
  leadText = '';

  /** TERM=dumb: the cursor is at the start of an empty row (promptAgain's), not after what was typed. */
  private rowEmpty = false;

  constructor(
    private readonly repl: REPLServer,
    private readonly output: Writable,
    private readonly errorOutput: Writable,
    private readonly terminal: boolean,
    private readonly color: boolean,
  ) {
    if (terminal && process.env.TERM === 'dumb') this.promptWithTyping();
  }

  /**
   * At TERM=dumb readline's prompt() writes the prompt alone, where the cursor is. What was typed while
   * a command ran sits on that row with no prompt before it, so the prompt was glued on after it
   * (`print aftersockshell u> `) and the line itself, still in readline's buffer, was not shown after
   * it; at an idle prompt, a notice drawn above hid a half-typed line the next Enter then ran. Now the
   * prompt gets a row of its own and the typing after it, as at a terminal that can move the cursor.
   */
  private promptWithTyping(): void {
    const prompt = this.repl.prompt.bind(this.repl);
    this.repl.prompt = (preserveCursor?: boolean): void => {
      const typed = this.repl.line;
      if (typed !== '' && !this.rowEmpty) this.output.write('\n');
      this.rowEmpty = false;
      prompt(preserveCursor);
      if (typed !== '') this.output.write(typed);
    };
  }

  write(line: ShellLine, idle: boolean): void {
    const text = this.reflow(line)
      .map((l) => this.paint({ ...line, text: l }))
      .join('\n');
    if (line.async && idle) return this.above(text);
    this.promptAgain(); // lines drawn above the prompt just before get their prompt first, as they would have
    // While a call waits, the student may be typing the next line (no prompt is shown): the line
    // goes above what they typed, which is drawn again below it, rather than glued onto its end.
    const typing = this.terminal && !idle ? this.repl.line : '';
    const onLine = typing !== '' || (!idle && this.leadText !== '');
    if (onLine) this.clearTyping();
    (line.channel === 'err' ? this.errorOutput : this.output).write(text + '\n');
    if (onLine) this.redrawTyping(typing);
  }

  /**
   * SessionServices.lineStart: shows data before what is being typed, until the line read ends
   * (interact: the start of a line that came without its newline, as a prompt). Only where the cursor
   * can move back over it (not TERM=dumb), and where it leaves room on the row for an answer.
   */
  lineStart(data: Buffer): boolean {
    if (!this.terminal || process.env.TERM === 'dumb') return false;
    const text = terminalSafe(data).replace(/\t/g, '\\t'); // a tab's width is the terminal's: readline could not count it
    const columns = this.output instanceof WriteStream ? this.output.columns : 80;
    if (text.length > columns - 20) return false;
    this.lead(text);
    return true;
  }

  /** readline's prompt is set to the line's start too, so that its own redraws (an edit mid-line) draw it. */
  private lead(text: string): void {
    if (text === this.leadText) return;
    this.clearTyping();
    this.leadText = text;
    this.repl.setPrompt(text);
    this.redrawTyping(this.repl.line);
  }

  /**
   * The line read has ended (Enter, or the new line of a cancel): its start stays on screen, and is no
   * longer redrawn. True if there was one (the line has text on it, and needs its end).
   */
  forgetLead(): boolean {
    const had = this.leadText !== '';
    this.leadText = '';
    return had;
  }

  /** Clears the line being typed, from where it starts (it may have wrapped). */
  private clearTyping(): void {
    if (process.env.TERM === 'dumb') {
      this.output.write('\n');
      return;
    }
    // With a line start drawn, readline's prompt is that start, so it counts the rows drawn; without one its
    // prompt (the shell's) is not on screen while a command runs, and the typing is taken to fit one row.
    const rows = this.leadText === '' ? 0 : this.repl.getCursorPos().rows;
    if (rows > 0) moveCursor(this.output, 0, -rows);
    cursorTo(this.output, 0);
    clearScreenDown(this.output);
  }

  /** What was typed, again (after the line's start, if any), where readline's next redraw (the prompt, when the call is done) expects it. */
  private redrawTyping(typing: string): void {
    this.output.write(this.leadText + typing);
    const back = typing.length - (this.repl as unknown as { cursor: number }).cursor;
    if (back > 0 && process.env.TERM !== 'dumb') moveCursor(this.output, -back, 0);
    (this.repl as unknown as { prevRows: number }).prevRows = 0;
  }

  /**
   * At a terminal, a `#` line, a notice, a warning or an error (after its carets) longer than the
   * terminal is broken at spaces, its later lines indented, rather than cut mid-word by the terminal.
   * Other lines (values, tables, what a command shows or a program prints: ShellLine.asIs) are as
   * they came. The lines themselves (transcripts, the recorder) stay whole.
   */
  private reflow(line: ShellLine): string[] {
    const columns = this.terminal && this.output instanceof WriteStream ? this.output.columns : undefined;
    if (line.asIs || columns === undefined || columns <= 0 || line.text.length < columns) return [line.text];
    const lead = /^(\[[^\]]+\] )?(# |warning: |error: | *\^+ )?/.exec(line.text)![0];
    if (lead === '') return [line.text];
    // Carets far to the right leave the message no room beside them (a word after them ran past the
    // terminal's edge): they stand alone, and the message goes under them.
    if (lead.length > columns - ROOM_AFTER_CARETS)
      return [lead.trimEnd(), ...wrapWords(line.text.slice(lead.length), columns - 1, '  ', '  ')];
    return wrapWords(line.text.slice(lead.length), columns - 1, lead, '  ');
  }

  private paint(line: ShellLine): string {
    if (!this.color || line.style === 'plain') return line.text;
    return styleText(line.style === 'dim' ? 'dim' : 'red', line.text);
  }

  /**
   * Lines that arrive on their own in one go (a hex dump, a job's multi-line print, the notes held
   * while a command ran) are drawn above the prompt as one unit: the prompt is drawn again once, after
   * the last of them (a microtask later), not after each line, which without cursor control (TERM=dumb,
   * output not a terminal) left a prompt between every two lines.
   */
  private above(text: string): void {
    if (!this.promptDue) {
      this.promptDue = true;
      this.clearPrompt();
      queueMicrotask(() => this.promptAgain());
    }
    this.output.write(text + '\n');
  }

  /** Moves off the prompt line: a new line where the cursor cannot move, else the prompt and what is typed are erased. */
  private clearPrompt(): void {
    if (!this.terminal || process.env.TERM === 'dumb') {
      this.output.write('\n');
      return;
    }
    const rows = this.repl.getCursorPos().rows;
    if (rows > 0) moveCursor(this.output, 0, -rows);
    cursorTo(this.output, 0);
    clearScreenDown(this.output);
    // readline remembers how many rows it drew last time; we cleared them ourselves.
    (this.repl as unknown as { prevRows: number }).prevRows = 0;
  }

  private promptAgain(): void {
    if (!this.promptDue) return;
    this.promptDue = false;
    this.rowEmpty = true; // above() left the cursor on a new row
    if (!this.terminal || process.env.TERM === 'dumb') this.repl.displayPrompt(true);
    else this.repl.prompt(true);
  }
}
