import { lineMatches, type Bindings } from './pattern.js';

/** Lining up what a block showed with what its transcript expected, for diffs and --update. */

/**
 * `align` over the lines that are compared, with the expected lines that are not (the shell's
 * commentary, by default) put back where the transcript has them and this run's left out: so a
 * diff shows only differences that count.
 */
export function alignKeeping(
  expected: readonly string[],
  actual: readonly string[],
  compared: (t: string) => boolean,
  bindings: Bindings,
): string[] {
  const kept = expected.filter(compared);
  // before[k]: the uncompared expected lines just before the k-th compared one (k = kept.length: at the end).
  const before: string[][] = Array.from({ length: kept.length + 1 }, () => []);
  let k = 0;
  for (const line of expected) {
    if (compared(line)) k++;
    else before[k]!.push(line);
  }
  const out: string[] = [];
  let emitted = 0; // before[0..emitted) are out
  for (const { text, from } of alignTagged(kept, actual.filter(compared), bindings)) {
    while (from >= 0 && emitted <= from) out.push(...before[emitted++]!);
    out.push(text);
  }
  while (emitted <= kept.length) out.push(...before[emitted++]!);
  return out;
}

/** The actual lines, with those that match an expected line (in LCS order) shown as expected. */
export function align(expected: readonly string[], actual: readonly string[], bindings: Bindings): string[] {
  return alignTagged(expected, actual, bindings).map((l) => l.text);
}

/** `align`, each line with the index of the expected line it stands for (-1: this run's own). */
function alignTagged(expected: readonly string[], actual: readonly string[], bindings: Bindings): { text: string; from: number }[] {
  const n = expected.length;
  const m = actual.length;
  const eq = (i: number, j: number) => expected[i] !== '...' && lineMatches(expected[i]!, actual[j]!, new Map(bindings));
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = eq(i, j) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: { text: string; from: number }[] = [];
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && eq(i, j)) {
      out.push({ text: expected[i]!, from: i++ });
      j++;
    } else if (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else out.push({ text: actual[j++]!, from: -1 });
  }
  return out;
}
