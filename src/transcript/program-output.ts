import { terminalSafe } from '../render/terminal.js';

/** At most this much of one stream is kept: a program that floods its output cannot fill sockshell's memory. */
const LIMIT = 1024 * 1024;

/**
 * One output stream of a program under test, as lines: kept as bytes and split on newlines, each
 * line escaped as the shell escapes what a peer sends (an escape sequence a program writes must
 * not reach the grader's terminal). A last line without a newline counts once the stream ended.
 */
export class ProgramOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private cut = 0;
  private taken = 0;
  ended = false;

  add(data: Buffer): void {
    if (this.size >= LIMIT) {
      this.cut += data.length;
      return;
    }
    const room = data.subarray(0, LIMIT - this.size);
    this.chunks.push(room);
    this.size += room.length;
    this.cut += data.length - room.length;
  }

  /** Every line so far (escaped), the unfinished last one only once the stream ended. */
  all(): string[] {
    const text = Buffer.concat(this.chunks);
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = text.indexOf(0x0a); at >= 0; at = text.indexOf(0x0a, from)) {
      parts.push(text.subarray(from, at));
      from = at + 1;
    }
    if (from < text.length && this.ended) parts.push(text.subarray(from));
    const lines = parts.map((p) => terminalSafe(p));
    if (this.cut > 0 && this.ended) lines.push(`(${this.cut} more bytes not kept)`);
    return lines;
  }

  /** Whether the last line all() gives had no newline: the stream ended in the middle of it. */
  unfinished(): boolean {
    const last = this.chunks.at(-1);
    return this.ended && this.cut === 0 && last !== undefined && last.length > 0 && last[last.length - 1] !== 0x0a;
  }

  /** The lines not yet checked. */
  unchecked(): string[] {
    return this.all().slice(this.taken);
  }

  take(n: number): void {
    this.taken += n;
  }

  /** The last `n` lines, finished or not: what a report quotes. */
  tail(n: number): string[] {
    const text = Buffer.concat(this.chunks);
    const lines = text
      .toString('latin1')
      .replace(/\n$/, '')
      .split('\n')
      .slice(-n)
      .map((l) => terminalSafe(Buffer.from(l, 'latin1')));
    return lines.length === 1 && lines[0] === '' ? [] : lines;
  }
}
