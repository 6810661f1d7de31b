/**
 * What `interact` prints of what arrives, line by line as nc's terminal shows it. The shell prints
 * whole lines (each goes above the line being typed), so a line that arrives in pieces was shown as
 * two lines ("abc", then "def" for b'abcdef\n': a break that was never sent; trial 7). Here the end
 * of a line is held back until its newline comes. Meanwhile, at a terminal that can redraw the line
 * being typed, it is shown at that line's start (lineStart), as nc's terminal shows b'login: ', so the
 * answer is typed after it; when its newline comes, the whole line goes above. Elsewhere it is printed
 * once nothing more has come for a moment (a prompt has no newline, and must show before anyone
 * types), and a part that comes later shows on a line of its own. A CR LF line end is
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
  /** The held bytes are shown at the start of the line being typed (lineStart). */
  private leading = false;
  /** Nothing more is typed (the input ended): there is no line being typed to show a start on. */
  private inputDone = false;

  /** lineStart: shows bytes at the start of the line being typed, false where it cannot (SessionServices.lineStart). */
  constructor(
    private readonly print: (data: Buffer) => void,
    private readonly lineStart: (data: Buffer) => boolean = () => false,
  ) {}

  /** What arrived: the lines it ends are printed now, the rest waits (see the file comment). */
  take(data: Buffer): void {
    const rest = this.broke && data[0] === LF ? data.subarray(1) : data;
    this.broke = false;
    const all = this.held.length === 0 ? rest : Buffer.concat([this.held, rest]);
    const end = all.lastIndexOf(LF);
    this.held = end < 0 ? all : all.subarray(end + 1);
    if (end >= 0) {
      this.unlead(); // its line goes above whole: not also at the start of the typing
      this.print(withoutCrBeforeLf(all.subarray(0, end + 1)));
    }
    this.stopWaiting();
    if (this.held.length === 0) return;
    if (!this.inputDone && this.lineStart(this.held)) {
      this.leading = true;
      return;
    }
    this.unlead(); // grown too long to be shown there: printed as below
    this.wait();
  }

  /**
   * A line typed was sent, or the input ended: the line on screen that held the shown start has
   * ended (readline wrote the newline), so those bytes are shown, and what comes next starts a line.
   */
  typed(): void {
    if (!this.leading) return;
    this.leading = false;
    this.held = Buffer.alloc(0);
  }

  /** The input ended (Ctrl-D): as typed(), and from now on a line's start is printed as without a terminal. */
  inputEnded(): void {
    this.typed();
    this.inputDone = true;
  }

  /** The stream ended (or interact did): what is held is printed as it is, unless it is on screen as a line's start. */
  end(): void {
    this.stopWaiting();
    if (this.leading) this.typed();
    else this.flush();
  }

  /** The held start is taken away from the line being typed. */
  private unlead(): void {
    if (!this.leading) return;
    this.leading = false;
    this.lineStart(Buffer.alloc(0));
  }

  private wait(): void {
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
