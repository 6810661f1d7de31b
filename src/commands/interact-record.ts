/**
 * What an `interact` did, written as the statements that do it again without a keyboard: `save` and
 * `export` read these in the interact's place (record/export-log.ts, ranAs), so an exploration typed
 * in interact replays with `sockshell run` and runs as Python (trial 7, J).
 *
 * - Input sent: `sendall b'...'` on TCP; on UDP `send` (connected) or `sendto ... $addr` (answering
 *   whoever sent last, as interact does), a datagram per UDP_DATAGRAM bytes, as stream-ends.ts cuts it.
 * - What arrived on TCP: a `recvline` per line, and `recvexactly N` for bytes without their newline when
 *   something was sent after them (a prompt such as b'login: ') or at the end; a datagram: `recv`/`recvfrom`.
 *   Lines that end in a blank line (HTTP's or a mail header's block) are one `recvuntil b'\r\n\r\n'`
 *   (or b'\n\n'), as a developer reads a header: it was a recvline a header line (trial 9). After an
 *   HTTP header with a Content-Length, the body is one `recvexactly N` once N bytes came (it was a
 *   recvline a line of the page); what came of it before something else did is one recvexactly of that.
 * - Ctrl-D: `shutdown wr`; the peer's end of stream: a `recv` that returns b''.
 *
 * Each read says in a comment what it took when saved, and is not an expect: a reply may differ
 * between runs (a date, a port) and the replay should go on. An interact that a failure ended (the
 * peer's reset) is kept too, up to the failure, whose words ride on the last statement's comment: the
 * reset is the peer's doing, not a call the script makes, so the replay ends where the session did. Reads are written in the order they
 * completed, sends when they started, so a reply is never written before the line that asked for it.
 *
 * Bounded: a long stream is not written read by read. Past READS_WRITTEN reads, the bytes until the
 * next send are counted and taken by one `recvexactly N`.
 */
import { bytes, repr } from '../lang/values.js';
import { STREAM_READ, UDP_DATAGRAM } from './stream-ends.js';

/** How the socket interact streams on sends and receives. */
export type RecordedSide = 'tcp' | 'udp-connected' | 'udp-answering';

/** Reads written one by one before the rest are only counted. */
export const READS_WRITTEN = 1000;
/** A line longer than this is taken by recvexactly: a receive queue holds a few of them at most. */
const LONGEST_LINE = 65536;
/** How much of what a read took its comment shows. */
const SHOWN = 60;
/** Lines held as a header block that may yet end in a blank line; past this, they are written a recvline each. */
const HEAD_LINES = 100;

export class InteractRecord {
  private readonly out: (string | null)[] = [];
  /** TCP bytes received that no read has been written for: the start of a line. */
  private partial: Buffer = Buffer.alloc(0);
  /** Whole lines received, all with the same ending, not written yet: a header block if a blank line ends them. */
  private head: Buffer[] = [];
  /** Bytes received past READS_WRITTEN, not yet taken by a recvexactly. */
  private counted = 0;
  /** A body a header block's Content-Length announced: its length, and the bytes of it received so far. */
  private body: { readonly length: number; readonly got: Buffer[]; have: number } | null = null;
  /** The last request line sent was HEAD's: the response's Content-Length announces no body. */
  private askedHead = false;
  private reads = 0;

  /**
   * on: `NAME.` when interact was given NAME, '' when it acted on the current socket. name: a variable
   * name free in the session for this base (line, data, addr), so a replay does not change the user's.
   */
  constructor(
    private readonly side: RecordedSide,
    private readonly on: string,
    private readonly name: (base: string) => string,
  ) {}

  /**
   * Input handed to the socket, written now (before the send completes: a reply must not come first).
   * Returns what to give unsent() if none of it went (UDP with nobody to answer yet, or a send that failed).
   */
  sending(data: Buffer): Sending {
    this.takePartial();
    const request = /^([A-Z]+) \S+ HTTP\/1\.[01]\r?\n/.exec(data.toString('latin1', 0, 200));
    if (request !== null) this.askedHead = request[1] === 'HEAD';
    const from = this.out.length;
    if (this.side === 'tcp') this.out.push(`${this.on}sendall ${literal(data)}`);
    else
      for (let at = 0; at < data.length; at += UDP_DATAGRAM) {
        const piece = literal(data.subarray(at, at + UDP_DATAGRAM));
        this.out.push(this.side === 'udp-connected' ? `${this.on}send ${piece}` : `${this.on}sendto ${piece} $${this.name('addr')}`);
      }
    return { from, to: this.out.length };
  }

  /** A send written by sending() did not go: its statements are taken back (reads written since stay). */
  unsent(sent: Sending): void {
    for (let i = sent.from; i < sent.to; i++) this.out[i] = null;
  }

  /** What one receive gave; end: the peer's end of stream (TCP). */
  received(data: Buffer, end: boolean): void {
    if (end) {
      this.takePartial();
      this.out.push(`${this.name('data')} = ${this.on}recv ${STREAM_READ}  # was b'': the peer closed its side`);
      return;
    }
    if (this.side !== 'tcp') {
      const call = this.side === 'udp-connected' ? `recv ${STREAM_READ}` : `recvfrom ${STREAM_READ}`;
      const targets = this.side === 'udp-connected' ? this.name('data') : `${this.name('data')}, ${this.name('addr')}`;
      this.read(`${targets} = ${this.on}${call}`, data);
      return;
    }
    if (this.reads >= READS_WRITTEN) {
      this.counted += data.length;
      return;
    }
    data = this.bodyPart(data);
    if (data.length === 0) return;
    let rest = this.partial.length === 0 ? data : Buffer.concat([this.partial, data]);
    for (let nl = rest.indexOf(0x0a); nl >= 0 && this.reads < READS_WRITTEN; nl = rest.indexOf(0x0a)) {
      this.line(rest.subarray(0, nl + 1));
      rest = rest.subarray(nl + 1);
      if (this.body !== null) {
        // A header block announced a body: the bytes after it are its.
        this.partial = Buffer.alloc(0);
        return this.received(Buffer.from(rest), false);
      }
    }
    if (this.reads >= READS_WRITTEN) {
      this.counted += rest.length;
      rest = Buffer.alloc(0);
    }
    if (rest.length > LONGEST_LINE) this.takeHead(); // the held lines came before these bytes
    while (rest.length > LONGEST_LINE) {
      this.read(`${this.name('data')} = ${this.on}recvexactly ${LONGEST_LINE}`, rest.subarray(0, LONGEST_LINE));
      rest = rest.subarray(LONGEST_LINE);
    }
    this.partial = Buffer.from(rest); // a copy: the receive's buffer may be reused
  }

  /** Ctrl-D on TCP: the FIN went. */
  inputEnded(): void {
    if (this.side !== 'tcp') return;
    this.takePartial();
    this.out.push(`${this.on}shutdown wr`);
  }

  /**
   * The stream failed (code: ECONNRESET...): said on the last statement, as a comment, so the replay
   * makes no call that would meet it. Nothing is written when interact had done nothing.
   */
  failed(code: string): void {
    const what = code === 'ECONNRESET' ? 'the peer reset the connection (ECONNRESET)' : `the stream failed (${code})`;
    this.note(`then ${what}, which ended interact`);
  }

  /**
   * Said on the last statement written, as a comment (nothing when none is): what happened after it
   * that no call of the replay makes. before: a send in flight (sending()'s), whose statements came after.
   */
  note(words: string, before?: Sending): void {
    if (before === undefined) this.takePartial();
    let at = (before?.from ?? this.out.length) - 1;
    while (at >= 0 && this.out[at] === null) at--;
    if (at < 0) return;
    const last = this.out[at]!;
    this.out[at] = `${last}${last.includes('  # ') ? ';' : '  #'} ${words}`;
  }

  /** The statements so far, one a line ('' when interact did nothing). */
  text(): string {
    this.takePartial();
    return this.out.filter((s) => s !== null).join('\n');
  }

  private line(line: Buffer): void {
    const ending = lineEnd(line);
    if (ending !== null && this.head.length > 0 && ending === lineEnd(this.head[0]!)) {
      if (line.length === ending.length) {
        // The blank line ends the block: the lines and it are what recvuntil of two line ends takes.
        const block = Buffer.concat([...this.head.splice(0), line]);
        this.read(`${this.name('head')} = ${this.on}recvuntil ${literal(Buffer.concat([ending, ending]))}`, block);
        const length = bodyLength(block, this.askedHead);
        if (length !== null && length > 0) this.body = { length, got: [], have: 0 };
        return;
      }
      if (this.head.length < HEAD_LINES) return void this.head.push(Buffer.from(line)); // a copy, as partial's
    }
    this.takeHead();
    // A blank line on its own, or a line too long to hold, is no block's start.
    if (ending !== null && line.length > ending.length && line.length <= LONGEST_LINE) return void this.head.push(Buffer.from(line));
    this.write(line);
  }

  /** Lines held as a header block that no blank line ended, written a read each (those past READS_WRITTEN only counted). */
  private takeHead(): void {
    for (const line of this.head.splice(0))
      if (this.reads < READS_WRITTEN) this.write(line);
      else this.counted += line.length;
  }

  private write(line: Buffer): void {
    if (line.length > LONGEST_LINE) this.read(`${this.name('data')} = ${this.on}recvexactly ${line.length}`, line);
    else this.read(`${this.name('line')} = ${this.on}recvline`, line);
  }

  /**
   * The bytes of an announced body, held until it is whole, then written as one `recvexactly N` (what
   * a developer writes after Content-Length); what follows it is returned, to be read as before.
   */
  private bodyPart(data: Buffer): Buffer {
    const body = this.body;
    if (body === null) return data;
    const part = data.subarray(0, body.length - body.have);
    body.got.push(Buffer.from(part)); // a copy: the receive's buffer may be reused
    body.have += part.length;
    if (body.have === body.length) this.takeBody();
    return data.subarray(part.length);
  }

  /** The body held: whole, or as much of it as came before anything else did (a send, the end), which is what recvexactly took. */
  private takeBody(): void {
    const body = this.body;
    this.body = null;
    if (body === null || body.have === 0) return;
    this.read(`${this.name('body')} = ${this.on}recvexactly ${body.have}`, Buffer.concat(body.got));
  }

  /** Lines held, bytes held without their newline, and bytes only counted, taken by reads now that something else comes. */
  private takePartial(): void {
    this.takeBody();
    this.takeHead();
    if (this.partial.length > 0) this.read(`${this.name('data')} = ${this.on}recvexactly ${this.partial.length}`, this.partial);
    this.partial = Buffer.alloc(0);
    if (this.counted > 0)
      this.out.push(
        `${this.name('data')} = ${this.on}recvexactly ${this.counted}  # ${this.counted} bytes more, not written out one read each`,
      );
    this.counted = 0;
  }

  private read(statement: string, took: Buffer): void {
    this.reads++;
    const shown = literal(took.length > SHOWN ? took.subarray(0, SHOWN) : took);
    this.out.push(`${statement}  # was ${shown}${took.length > SHOWN ? `… (${took.length} bytes)` : ''}`);
  }
}

/** Where sending() wrote a send's statements. */
export interface Sending {
  readonly from: number;
  readonly to: number;
}

/**
 * The body a header block announces with one Content-Length, when an HTTP message has one: a request's,
 * or a response's but for HEAD's and those that never carry one (1xx, 204, 304). Null otherwise.
 */
function bodyLength(block: Buffer, askedHead: boolean): number | null {
  const text = block.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const request = /^[A-Z]+ \S+ HTTP\/1\.[01]\r?\n/.test(text);
  if (status === null && !request) return null;
  if (status !== null && (askedHead || /^(1\d\d|204|304)$/.test(status[1]!))) return null;
  const lengths = [...text.matchAll(/^content-length:[ \t]*(\d{1,15})[ \t]*\r?$/gim)].map((m) => Number(m[1]));
  return lengths.length === 1 ? lengths[0]! : null;
}

/** A line's ending, CR LF or LF; null for bytes that end without a newline. */
function lineEnd(line: Buffer): Buffer | null {
  if (line.at(-1) !== 0x0a) return null;
  return line.at(-2) === 0x0d ? CRLF : LF;
}
const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');

/** Bytes as a literal the shell reads back as the same bytes (b'...', Python's repr). */
function literal(data: Buffer): string {
  return repr(bytes(data));
}
