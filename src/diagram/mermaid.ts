import type { Ladder } from './model.js';

/** The ladder as Mermaid sequence-diagram text, for a README or a notebook. */
export function ladderMermaid(ladder: Ladder): string {
  const lines = ['sequenceDiagram'];
  ladder.lanes.forEach((l, i) => lines.push(`    participant p${i} as ${safe(l.title)}<br/>${safe(l.subtitle)}`));
  if (ladder.dropped > 0) lines.push(`    Note over p0: ${ladder.dropped} earlier calls and arrivals not shown`);
  for (const r of ladder.rows) {
    if (r.kind === 'note') lines.push(`    Note right of p${r.lane}: ${safe(r.text)}`);
    else lines.push(`    p${r.from}${r.control ? '-->>' : '->>'}p${r.to}: ${safe(r.label)}`);
  }
  return lines.join('\n');
}

/**
 * Mermaid's entity codes (#35; is '#') for what its syntax or its HTML would take: one pass, so the
 * '#' and ';' of one code are not escaped again ("a#b" is a#35;b, not a#35#59;b).
 */
const ENTITY: Readonly<Record<string, string>> = { '#': '#35;', ';': '#59;', '"': '#quot;', '<': '#60;', '>': '#62;' };
const safe = (t: string): string => t.replace(/[#;"<>]/g, (c) => ENTITY[c]!);
