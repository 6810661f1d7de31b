/**
 * The benchmark's table, as Markdown (it reads as well in a terminal as pasted into the README):
 * one row per contender with its median and min–max over the rounds, then the paired ratios with
 * the target each is held to.
 */

/** Three significant digits at most, thousands separated: 13,734 · 812 · 71.3 · 2.41. */
export function num(x) {
  if (!Number.isFinite(x)) return '–';
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const ratio = (x) => `${x.toFixed(2)}×`;

function extrasText(m, c) {
  return m.extras
    .map((e) => {
      const xs = c.runs.map((r) => r.extra?.[e.key]).filter((x) => typeof x === 'number');
      if (xs.length === 0) return null;
      const sorted = [...xs].sort((a, b) => a - b);
      return `${e.label} ${num(sorted[Math.floor((sorted.length - 1) / 2)])}`;
    })
    .filter((x) => x !== null)
    .join(', ');
}

export function report(results) {
  const rows = ['| measurement | contender | median | min–max | notes |', '|---|---|---|---|---|'];
  for (const m of results) {
    for (const c of m.contenders) {
      if (!c.available) {
        rows.push(`| ${m.title} | ${c.label} | skipped | | ${c.missing || 'not available here'} |`);
        continue;
      }
      const cell = c.n ? `${num(c.median)} ${m.unit}` : 'failed';
      const range = c.n ? `${num(c.min)}–${num(c.max)}${c.n < c.runs.length ? '' : ''}` : '';
      rows.push(`| ${m.title} | ${c.label} | ${cell} | ${range} | ${extrasText(m, c)} |`);
    }
  }
  const targets = ['| ratio (paired, same round) | median | min–max | target | |', '|---|---|---|---|---|'];
  for (const m of results) {
    for (const r of m.ratios) {
      if (!r.n) continue;
      const what = m.better === 'higher' ? `${m.id}: ${r.a} / ${r.b} (${m.unit})` : `${m.id}: ${r.a} / ${r.b} (${m.unit}, lower is better)`;
      const target = r.target ? (r.target.min !== undefined ? `≥ ${r.target.min}×` : `≤ ${r.target.max}×`) : '';
      const met = r.met === null ? '' : r.met ? 'met' : '**missed**';
      targets.push(`| ${what} | ${ratio(r.median)} | ${ratio(r.min)}–${ratio(r.max)} | ${target} | ${met} |`);
    }
  }
  return `\n${rows.join('\n')}\n\n${targets.join('\n')}\n`;
}
