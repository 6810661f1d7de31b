/**
 * Matching expected output lines against actual ones. [PORTn] binds a name to the port it first
 * matches and must match the same port after; [...] is any text within a line; a line `...` is any
 * number of lines; a line ending in ` (re)` is a regular expression for the whole line.
 */

export type Bindings = Map<string, string>;

const TOKEN = /\[(PORT\d+)\]|\[\.\.\.\]/g;
const cache = new Map<string, { regex: RegExp; names: string[] }>();

function compileLine(expected: string): { regex: RegExp; names: string[] } {
  const hit = cache.get(expected);
  if (hit) return hit;
  let compiled: { regex: RegExp; names: string[] };
  if (expected.endsWith(' (re)')) {
    compiled = { regex: new RegExp(`^(?:${expected.slice(0, -5)})$`), names: [] };
  } else {
    const names: string[] = [];
    let source = '';
    let last = 0;
    for (const m of expected.matchAll(TOKEN)) {
      source += escape(expected.slice(last, m.index));
      if (m[1]) {
        names.push(m[1]);
        source += '(\\d+)';
      } else source += '.*?';
      last = m.index + m[0].length;
    }
    source += escape(expected.slice(last));
    compiled = { regex: new RegExp(`^${source}$`), names };
  }
  cache.set(expected, compiled);
  return compiled;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does one actual line match one expected line? Binds new port names into `bindings` on success. */
export function lineMatches(expected: string, actual: string, bindings: Bindings): boolean {
  if (expected === actual) return true;
  const { regex, names } = compileLine(expected);
  const m = regex.exec(actual);
  if (!m) return false;
  const fresh: [string, string][] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = m[i + 1]!;
    const bound = bindings.get(name) ?? fresh.find(([n]) => n === name)?.[1];
    if (bound !== undefined && bound !== value) return false;
    if (bound === undefined) fresh.push([name, value]);
  }
  for (const [n, v] of fresh) bindings.set(n, v);
  return true;
}

export const isWildcardLine = (expected: string): boolean => expected === '...';

/**
 * Matches a whole block of lines, `...` included. On success the bindings grow; on failure they
 * are left as they were.
 */
export function blockMatches(expected: readonly string[], actual: readonly string[], bindings: Bindings): boolean {
  const trial = new Map(bindings);
  const ok = matchFrom(expected, actual, 0, 0, trial, new Set());
  if (ok) for (const [k, v] of trial) bindings.set(k, v);
  return ok;
}

/**
 * Whether lines still to come could make `actual` match `expected`: `actual` matches the start of
 * `expected` (`...` taking any lines). False means no output that follows can help: the lines that
 * came already differ. The bindings are left as they were.
 */
export function blockCanStillMatch(expected: readonly string[], actual: readonly string[], bindings: Bindings): boolean {
  return extendable(expected, actual, 0, 0, new Map(bindings), new Set());
}

function extendable(e: readonly string[], a: readonly string[], i: number, j: number, b: Bindings, failed: Set<string>): boolean {
  if (j === a.length) return true;
  if (i === e.length) return false;
  const key = `${i}:${j}`;
  if (failed.has(key)) return false;
  if (isWildcardLine(e[i]!)) {
    if (extendable(e, a, i + 1, j, new Map(b), failed) || extendable(e, a, i, j + 1, new Map(b), failed)) return true;
  } else {
    const trial = new Map(b);
    if (lineMatches(e[i]!, a[j]!, trial) && extendable(e, a, i + 1, j + 1, trial, failed)) return true;
  }
  failed.add(key);
  return false;
}

function matchFrom(e: readonly string[], a: readonly string[], i: number, j: number, b: Bindings, failed: Set<string>): boolean {
  const key = `${i}:${j}`;
  if (failed.has(key)) return false;
  if (i === e.length) return j === a.length;
  if (isWildcardLine(e[i]!)) {
    for (let k = j; k <= a.length; k++) {
      const trial = new Map(b);
      if (matchFrom(e, a, i + 1, k, trial, failed)) {
        for (const [n, v] of trial) b.set(n, v);
        return true;
      }
    }
  } else if (j < a.length) {
    const trial = new Map(b);
    if (lineMatches(e[i]!, a[j]!, trial) && matchFrom(e, a, i + 1, j + 1, trial, failed)) {
      for (const [n, v] of trial) b.set(n, v);
      return true;
    }
  }
  failed.add(key);
  return false;
}

/** Replaces [PORTn] in a typed line by the bound port. Returns the names that are not bound yet. */
export function substituteInput(text: string, bindings: Bindings): { text: string; unbound: string[] } {
  const unbound: string[] = [];
  const out = text.replace(/\[(PORT\d+)\]/g, (whole, name: string) => {
    const v = bindings.get(name);
    if (v === undefined) unbound.push(name);
    return v ?? whole;
  });
  return { text: out, unbound };
}
