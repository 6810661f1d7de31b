import type { Ladder, Row } from './model.js';

/** Which sockets to draw: by serial (a socket value, $k) or by label (the name typed, every lane that had it last). */
export type LaneChoice = { readonly kind: 'serial'; readonly serial: number } | { readonly kind: 'label'; readonly label: string };

/**
 * The ladder of only some sockets (`diagram NAME...`): their lanes, their notes, and every arrow to
 * or from them, with the lane at the arrow's other end (and its notes, when that is a peer's). Throws nothing: a choice that matches no lane
 * is returned in `unmatched` for the command to report.
 */
export function selectLanes(ladder: Ladder, choices: readonly LaneChoice[]): { ladder: Ladder; unmatched: LaneChoice[] } {
  const chosen = new Set<number>();
  const unmatched: LaneChoice[] = [];
  for (const c of choices) {
    let found = false;
    ladder.lanes.forEach((l, i) => {
      if (l.socket === null) return;
      if (c.kind === 'serial' ? l.socket.serial === c.serial : l.socket.label === c.label) {
        chosen.add(i);
        found = true;
      }
    });
    if (!found) unmatched.push(c);
  }
  const shown = new Set(chosen);
  for (const r of ladder.rows) if (r.kind === 'arrow' && (chosen.has(r.from) || chosen.has(r.to))) shown.add(r.from).add(r.to);
  // A note on a peer's lane drawn for an arrow (a relay lost what was sent there) goes with it.
  const noted = (lane: number): boolean => chosen.has(lane) || (shown.has(lane) && ladder.lanes[lane]!.socket === null);
  const rows = ladder.rows.filter((r) => (r.kind === 'note' ? noted(r.lane) : chosen.has(r.from) || chosen.has(r.to)));
  const order = [...shown].sort((a, b) => a - b);
  const at = new Map(order.map((old, i) => [old, i]));
  const moved = (r: Row): Row => (r.kind === 'note' ? { ...r, lane: at.get(r.lane)! } : { ...r, from: at.get(r.from)!, to: at.get(r.to)! });
  return { ladder: { lanes: order.map((i) => ladder.lanes[i]!), rows: rows.map(moved), dropped: ladder.dropped }, unmatched };
}
