import type { Exchange } from '../record/exchange.js';
import { SendsInFlight, type Matched } from './arrivals.js';
import { LaneBook } from './lanes.js';
import type { Row } from './model.js';

/** The log entry of one kind: what a row drawer for that kind is given. */
export type ExchangeOf<K extends Exchange['kind']> = Extract<Exchange, { kind: K }>;

/**
 * The ladder as it is drawn, entry by entry: the lanes, the rows so far, and what earlier entries
 * told that later ones must know (a reset already drawn, a socket that shut down reading). The row
 * drawers (open-rows.ts, data-rows.ts, end-rows.ts, error-rows.ts) each add an entry's rows to it.
 */
export class Drawing {
  readonly book = new LaneBook();
  readonly inFlight = new SendsInFlight();
  readonly rows: Row[] = [];
  /** Lanes an RST from a socket of this shell was drawn to: the error it makes there is that arrow, not a new one. */
  readonly resetTo = new Set<number>();
  /** Lanes of this shell an RST was drawn from, to a socket of this shell: that socket's own word of it is a note. */
  readonly resetFrom = new Set<number>();
  /** Lanes that shut down reading: their recv's b'' is that, not the peer's FIN. */
  readonly readShut = new Set<number>();
  /** Lanes whose connection was reset (ECONNRESET: the peer's RST, or their own): their recv's b'' follows that error, not a FIN. */
  readonly reset = new Set<number>();
  /** The last note of what was read, while it is the last row: reads in a row with nothing between are one note. */
  private lastArrival: { row: number; lane: number; bytes: number; pieces: number; first: number; last: number } | null = null;

  note(lane: number, text: string): void {
    this.rows.push({ kind: 'note', lane, text });
  }

  arrow(from: number, to: number, label: string, control: boolean): void {
    this.rows.push({ kind: 'arrow', from, to, label, control });
  }

  /**
   * A note of what a lane read of sends from a socket of this shell (arrivals.ts: a piece is a read,
   * not a segment), added to the one just before it when that was this lane's.
   */
  readNote(lane: number, bytes: number, pieces: number, sends: Matched): void {
    const last = this.lastArrival;
    const prev = last !== null && last.row === this.rows.length - 1 && last.lane === lane ? last : null;
    const total = {
      bytes: bytes + (prev?.bytes ?? 0),
      pieces: pieces + (prev?.pieces ?? 0),
      first: prev?.first ?? sends.first,
      last: Math.max(sends.last, prev?.last ?? sends.last),
    };
    const count = total.last - total.first + 1;
    const of = count > 0 ? ` of ${count} send${count === 1 ? '' : 's'}` : '';
    const text = `the shell read ${total.bytes} B${of} in ${total.pieces} piece${total.pieces === 1 ? '' : 's'}`;
    if (prev !== null) this.rows[prev.row] = { kind: 'note', lane, text };
    else this.note(lane, text);
    this.lastArrival = { row: this.rows.length - 1, lane, ...total };
  }
}
