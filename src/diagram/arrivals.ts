/**
 * When both ends of a TCP connection are sockets of this shell, the ladder draws the sender's send
 * calls as the arrows, and this checks them against what arrived at the other end. TCP keeps no
 * message boundaries: three sends can arrive as one piece, one as several. Where the pieces are not
 * the sends one for one, the receiving lane gets a note of what arrived, so the picture and the
 * `sockets` table's "N in K pieces" can never disagree.
 */
export class SendsInFlight {
  /** The byte counts of sends not yet matched to arrivals, oldest first, by receiving lane. */
  private readonly pending = new Map<number, number[]>();

  /** A send of bytes to lane `to`. */
  sent(to: number, bytes: number): void {
    if (bytes === 0) return;
    const list = this.pending.get(to);
    if (list === undefined) this.pending.set(to, [bytes]);
    else list.push(bytes);
  }

  /**
   * bytes arrived at lane `at` in `pieces`: true when they are exactly the oldest send not yet matched,
   * in one piece (the arrow drawn already says it all); false when a note must say what arrived.
   */
  arrived(at: number, bytes: number, pieces: number): boolean {
    const list = this.pending.get(at) ?? [];
    const whole = pieces === 1 && list[0] === bytes;
    let left = bytes;
    while (left > 0 && list.length > 0) {
      const head = list[0]!;
      if (head <= left) {
        left -= head;
        list.shift();
      } else {
        list[0] = head - left;
        left = 0;
      }
    }
    return whole;
  }
}
