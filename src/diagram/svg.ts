import type { Ladder } from './model.js';

/** The ladder as an SVG picture: lanes with header boxes, dashed lifelines, labelled arrows and notes. */
export function ladderSvg(ladder: Ladder): string {
  const col = 240;
  const top = 70;
  const step = 34;
  const x = (lane: number) => 20 + lane * col + col / 2;
  const width = 40 + ladder.lanes.length * col + 200; // room for notes on the last lane
  const height = top + (ladder.rows.length + 1) * step + 20;
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const fill = { udp: '#e8f1fb', tcp: '#eaf7ea', welcoming: '#fff4d6', connection: '#eaf7ea', peer: '#f2f2f2' } as const;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  ladder.lanes.forEach((l, i) => {
    parts.push(`<line x1="${x(i)}" y1="${top - 10}" x2="${x(i)}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 4"/>`);
    parts.push(`<rect x="${x(i) - col / 2 + 10}" y="10" width="${col - 20}" height="46" rx="6" fill="${fill[l.kind]}" stroke="#666"/>`);
    parts.push(`<text x="${x(i)}" y="29" text-anchor="middle" font-weight="bold">${esc(l.title)}</text>`);
    parts.push(`<text x="${x(i)}" y="47" text-anchor="middle" font-size="11" fill="#444">${esc(l.subtitle)}</text>`);
  });
  ladder.rows.forEach((r, n) => {
    const y = top + (n + 1) * step;
    if (r.kind === 'note') {
      const w = Math.min(col * 2 - 20, 8 + r.text.length * 7);
      parts.push(`<rect x="${x(r.lane) + 6}" y="${y - 14}" width="${w}" height="20" rx="3" fill="#fffbe6" stroke="#d9c98c"/>`);
      parts.push(`<text x="${x(r.lane) + 12}" y="${y}" font-size="12">${esc(r.text)}</text>`);
    } else {
      const dash = r.control ? ' stroke-dasharray="6 3"' : '';
      parts.push(
        `<line x1="${x(r.from)}" y1="${y}" x2="${x(r.to)}" y2="${y}" stroke="#333" stroke-width="1.5"${dash} marker-end="url(#arrow)"/>`,
      );
      parts.push(`<text x="${(x(r.from) + x(r.to)) / 2}" y="${y - 6}" text-anchor="middle" font-size="12">${esc(r.label)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
