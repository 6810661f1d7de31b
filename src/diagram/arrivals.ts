/**
 * When both ends of a TCP connection are sockets of this shell, the ladder draws the sender's send
 * calls as the arrows, and this checks them against what the receiving socket read off the
 * connection. TCP keeps no message boundaries: three sends can be read as one piece, one as several.
 * A piece is one read of the shell's, not a segment: bytes that waited in the kernel (sent before
 * accept, or before the shell read them) come off in one read however many segments carried them
 * (tcpdump shows them), so the ladder never calls a piece an arrival. Where the pieces are not the
 * sends one for one, the receiving lane gets a note of what was read, of how many sends, so the
 * picture and the `sockets` table's "N in K pieces" can never disagree.
 */

/** What a read matched: whole, exactly the oldest send not yet matched, in one piece; sends, the first and last it touched (by number). */
export interface Matched {
  readonly whole: boolean;
  readonly first: number;
  readonly last: number;
}

export class SendsInFlight {
  /** The sends not yet matched to reads, oldest first, by receiving lane: number and bytes left. */
  private readonly pending = new Map<number, { seq: number; left: number }[]>();
  private seq = 0;

  /** A send of bytes to lane `to`. */
  sent(to: number, bytes: number): void {
    if (bytes === 0) return;
    const send = { seq: this.seq++, left: bytes };
    const list = this.pending.get(to);
    if (list === undefined) this.pending.set(to, [send]);
    else list.push(send);
  }

  /** bytes were read at lane `at` in `pieces`: which sends they were (none known: first > last). */
  arrived(at: number, bytes: number, pieces: number): Matched {
    const list = this.pending.get(at) ?? [];
    const whole = pieces === 1 && list[0]?.left === bytes;
    const first = list[0]?.seq ?? 0;
    let last = first - 1;
    let left = bytes;
    while (left > 0 && list.length > 0) {
      const head = list[0]!;
      last = head.seq;
      if (head.left <= left) {
        left -= head.left;
        list.shift();
      } else {
        head.left -= left;
        left = 0;
      }
    }
    return { whole, first, last };
  }
}
