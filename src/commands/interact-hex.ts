/**
 * `interact --hex`: what goes and what comes as hex rows, as `socat -x` and `ncat --hex-dump` show a
 * conversation (trial 7, K): `>` rows for bytes sent, `<` rows for bytes received, each with its
 * offset, sixteen bytes in hex and their printable column (hexdump -C's row). On TCP the offset is
 * where the bytes sit in that direction's stream, so a reply's rows say how far in it is; a UDP
 * datagram is a message of its own, and its rows start at 0.
 */
import { hexRows } from '../render/hexdump.js';

export class HexView {
  private sentAt = 0;
  private receivedAt = 0;

  /** stream: TCP (offsets run on); show: writes the rows (one text, a line each). */
  constructor(
    private readonly stream: boolean,
    private readonly show: (rows: string) => void,
  ) {}

  sent(data: Buffer): void {
    this.rows('>', data, this.sentAt);
    if (this.stream) this.sentAt += data.length;
  }

  received(data: Buffer): void {
    this.rows('<', data, this.receivedAt);
    if (this.stream) this.receivedAt += data.length;
  }

  private rows(direction: '<' | '>', data: Buffer, at: number): void {
    if (data.length === 0) return;
    this.show(
      hexRows(data, at)
        .map((row) => `${direction} ${row}`)
        .join('\n'),
    );
  }
}
