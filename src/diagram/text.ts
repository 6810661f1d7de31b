import type { Ladder } from './model.js';

/** The narrowest lane column a fitted diagram uses: narrower, nothing could be read. */
export const MIN_COLUMN = 12;

/**
 * The ladder as terminal text: lanes as │ columns, arrows as ──► with their label in the middle.
 * With maxWidth (a terminal's columns), lanes narrow to fit it, down to MIN_COLUMN each, and titles,
 * labels and notes too long for their room are cut with '…'; without it, nothing is cut.
 */
export function ladderText(ladder: Ladder, maxWidth?: number): string {
  if (ladder.lanes.length === 0) return 'nothing to draw yet: the diagram shows the socket calls of this session';
  // Wide enough that each arrow's label fits across the lanes it spans.
  const labels = ladder.rows.map((r) => (r.kind === 'arrow' ? Math.ceil((r.label.length + 8) / Math.abs(r.to - r.from)) : 0));
  const heads = ladder.lanes.map((l) => Math.max(l.title.length, l.subtitle.length) + 3);
  const wanted = Math.min(64, Math.max(18, ...labels.map((n) => n), ...heads));
  const col = maxWidth === undefined ? wanted : Math.max(MIN_COLUMN, Math.min(wanted, Math.floor((maxWidth - 1) / ladder.lanes.length)));
  const limit = maxWidth ?? Infinity;
  /** text cut to room characters, its last one '…' when cut. */
  const fit = (text: string, room: number): string =>
    maxWidth === undefined || text.length <= room ? text : room <= 1 ? '' : `${text.slice(0, room - 1)}…`;
  const x = (lane: number) => lane * col + Math.floor(col / 2);
  const width = ladder.lanes.length * col + 40;
  const blank = () => {
    const row = new Array<string>(width).fill(' ');
    ladder.lanes.forEach((_, i) => (row[x(i)] = '│'));
    return row;
  };
  const put = (row: string[], at: number, text: string) => [...text].forEach((ch, i) => (row[at + i] = ch));
  const centered = (text: string) => {
    const row = new Array<string>(width).fill(' ');
    ladder.lanes.forEach((l, i) => {
      const shown = fit(text === 'title' ? l.title : l.subtitle, col - 1);
      put(row, Math.max(0, x(i) - Math.floor(shown.length / 2)), shown);
    });
    return row;
  };
  const out = [centered('title'), centered('subtitle'), blank()];
  if (ladder.dropped > 0) {
    const row = blank();
    put(row, 0, `(${ladder.dropped} earlier calls and arrivals not shown)`);
    out.push(row);
  }
  for (const r of ladder.rows) {
    const row = blank();
    if (r.kind === 'note') {
      put(row, x(r.lane) + 2, fit(r.text, limit - x(r.lane) - 2));
    } else {
      const [a, b] = r.from < r.to ? [x(r.from), x(r.to)] : [x(r.to), x(r.from)];
      for (let i = a + 1; i < b; i++) row[i] = r.control ? '┄' : '─';
      if (r.from < r.to) row[b - 1] = '►';
      else row[a + 1] = '◄';
      const label = ` ${fit(r.label, b - a - 5)} `;
      put(row, Math.max(a + 2, Math.floor((a + b - label.length) / 2)), label);
    }
    out.push(row);
  }
  out.push(blank());
  return out.map((r) => r.join('').trimEnd()).join('\n');
}
