/**
 * What `interact` prints of what arrives, line by line as nc's terminal shows it. The shell prints
 * whole lines (each goes above the line being typed), so a line that arrives in pieces was shown as
 * two lines ("abc", then "def" for b'abcdef\n': a break that was never sent; trial 7). Here the end
 * of a line is held back until its newline comes, or until nothing more has come for a moment (a
 * prompt such as b'login: ' has no newline, and must show before anyone types). A CR LF line end is
 * shown as the end of the line, not as a `\r` on every line of HTTP or SMTP; a lone CR and every other
 * control byte stay escaped (render/terminal.ts). The bytes themselves are untouched: recv, the traffic
 * log and hexdump have them exactly.
 */

/** How long the end of a line waits for the rest of it; the pieces of one send arrive well within it. */
export const PARTIAL_LINE_WAIT = { ms: 150 };

const LF = 0x0a;
const CR = 0x0d;

export class ShownLines {
  /** Bytes after the last newline printed: the start of a line whose end has not come. */
  private held: Buffer = Buffer.alloc(0);
  private timer: NodeJS.Timeout | null = null;
  /** The held bytes were printed, which ended their line on screen: a newline next is that line's end, not an empty line. */
  private broke = false;

  constructor(private readonly print: (data: Buffer) => void) {}

  /** What arrived: the lines it ends are printed now, the rest waits (see the file comment). */
  take(data: Buffer): void {
    const rest = this.broke && data[0] === LF ? data.subarray(1) : data;
    this.broke = false;
    const all = this.held.length === 0 ? rest : Buffer.concat([this.held, rest]);
    const end = all.lastIndexOf(LF);
    this.held = end < 0 ? all : all.subarray(end + 1);
    if (end >= 0) this.print(withoutCrBeforeLf(all.subarray(0, end + 1)));
    this.wait();
  }

  /** The stream ended (or interact did): what is held is printed as it is. */
  end(): void {
    this.stopWaiting();
    this.flush();
  }

  private wait(): void {
    this.stopWaiting();
    if (this.held.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, PARTIAL_LINE_WAIT.ms);
  }

  private stopWaiting(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The start of a line shown without its end; a CR at its end shows escaped, as its LF has not come. */
  private flush(): void {
    if (this.held.length === 0) return;
    this.print(this.held);
    this.held = Buffer.alloc(0);
    this.broke = true;
  }
}

/** Lines ending in CR LF as lines ending in LF; a CR anywhere else is kept. */
function withoutCrBeforeLf(lines: Buffer): Buffer {
  let crs = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i] === LF && lines[i - 1] === CR) crs++;
  if (crs === 0) return lines;
  const out = Buffer.allocUnsafe(lines.length - crs);
  let j = 0;
  for (let i = 0; i < lines.length; i++) if (!(lines[i] === CR && lines[i + 1] === LF)) out[j++] = lines[i]!;
  return out;
}
