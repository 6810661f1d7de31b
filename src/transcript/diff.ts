/**
 * A unified diff of two texts, line by line, with the usual @@ -line,count +line,count @@ hunks, so
 * a failed transcript points at its own line numbers.
 */
export function unifiedDiff(
  expected: readonly string[],
  actual: readonly string[],
  labels: { expected: string; actual: string },
  context = 3,
): string {
  const ops = lineOps(expected, actual);
  if (ops.every((o) => o.op === ' ')) return '';
  const out = [`--- ${labels.expected}`, `+++ ${labels.actual}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.op === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change near it.
    const start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      if (ops[end]!.op !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run]!.op === ' ') run++;
      if (end + run >= ops.length || run > context * 2) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const first = hunk[0]!;
    const oldCount = hunk.filter((o) => o.op !== '+').length;
    const newCount = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${first.a + (oldCount ? 1 : 0)},${oldCount} +${first.b + (newCount ? 1 : 0)},${newCount} @@`);
    for (const o of hunk) out.push(`${o.op}${o.text}`);
    i = end;
  }
  return out.join('\n') + '\n';
}

export interface Op {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
  /** Lines of each side before this one (0-based positions). */
  readonly a: number;
  readonly b: number;
}

/** The edit from `a` to `b`, line by line: kept (' '), removed ('-'), added ('+'). */
export function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: ' ', text: a[i]!, a: i++, b: j++ });
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', text: a[i]!, a: i++, b: j });
    else ops.push({ op: '+', text: b[j]!, a: i, b: j++ });
  }
  return ops;
}
