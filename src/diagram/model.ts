/**
 * A ladder (sequence) diagram of the session's socket calls: one lane per socket (the welcoming
 * socket apart from connection sockets), one per peer outside the shell, and rows of arrows (what
 * went over the network: datagrams, handshakes, data, FIN, RST) and notes (what a call returned).
 * buildLadder (ladder.ts) makes one; text.ts, mermaid.ts and svg.ts draw it.
 */

export type LaneKind = 'udp' | 'tcp' | 'welcoming' | 'connection' | 'peer';

export interface Lane {
  readonly title: string;
  readonly subtitle: string;
  readonly kind: LaneKind;
  /** A socket's lane: its serial (null for a connection accept has not returned) and its last label; null for a peer's. */
  readonly socket: { readonly serial: number | null; readonly label: string } | null;
}

export type Row =
  | { readonly kind: 'arrow'; readonly from: number; readonly to: number; readonly label: string; readonly control: boolean }
  | { readonly kind: 'note'; readonly lane: number; readonly text: string };

export interface Ladder {
  readonly lanes: readonly Lane[];
  readonly rows: readonly Row[];
  readonly dropped: number;
}
