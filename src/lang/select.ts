import type { Selector } from './ast.js';
import { bytes, int, itemsOf, str, tuple, type Value } from './values.js';

/**
 * `$name[...]` suffixes: indexing and slicing with Python's rules, chained as in Python
 * (`$m[0][2:4]` is `m[0][2:4]`). Pure: the lexer reads the brackets, the evaluator applies them.
 *
 * - An index picks one item: of bytes an int (`b'AB'[0]` is 65, as in Python), of text a
 *   one-character text, of a tuple or an address (Python's (host, port)) the item. Negative counts
 *   from the end; out of range is an error, as Python's IndexError.
 * - A slice `[start:stop:step]` (any part may be left out) gives a value of the same type: bytes,
 *   text, or a tuple (an address's slice is a tuple). Out-of-range bounds are clipped, as in Python.
 */

/** What went wrong reading brackets at `col` (0-based, in the line): the lexer turns it into a LexError. */
export interface SelectorSyntaxError {
  readonly message: string;
  readonly at: number;
  readonly width: number;
}

/**
 * Reads the `[...]` selectors starting at `pos` in `text`. Returns them and where they end, or an
 * error. Numbers are integer literals (`-1`, `2`); a `$` index is not part of the language.
 */
export function readSelectors(
  text: string,
  pos: number,
  line: number,
): { selectors: Selector[]; end: number } | { error: SelectorSyntaxError } {
  const selectors: Selector[] = [];
  let at = pos;
  while (text[at] === '[') {
    const close = text.indexOf(']', at + 1);
    const inside = close < 0 ? null : text.slice(at + 1, close);
    const m = inside === null ? null : /^(-?\d+)?(?:(:)(-?\d+)?(?::(-?\d+)?)?)?$/.exec(inside);
    const width = close < 0 ? text.length - at : close + 1 - at;
    if (inside === null || m === null || (m[2] === undefined && m[1] === undefined)) {
      return {
        error: {
          message:
            close < 0
              ? `an index needs its closing ], as in $x[0]`
              : `expected an index or a slice in brackets: [0], [-1], [2:4], [:2] or [4:], with whole numbers`,
          at,
          width,
        },
      };
    }
    const span = { line, col: at + 1, width };
    const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
    if (m[2] === undefined) selectors.push({ kind: 'index', index: Number(m[1]), span });
    else {
      const step = num(m[4]);
      if (step === 0) return { error: { message: 'a slice step cannot be zero (Python: ValueError)', at, width } };
      selectors.push({ kind: 'slice', start: num(m[1]), stop: num(m[3]), step, span });
    }
    at = close + 1;
  }
  return { selectors, end: at };
}

/** The selector as Python writes it: `[0]`, `[2:4]`, `[::-1]`. */
export function selectorText(s: Selector): string {
  if (s.kind === 'index') return `[${s.index}]`;
  const part = (n: number | null) => (n === null ? '' : String(n));
  return `[${part(s.start)}:${part(s.stop)}${s.step === null ? '' : `:${s.step}`}]`;
}

/** Applies one selector; a string is the error's message (the caller knows the span). */
export function select(value: Value, s: Selector): Value | string {
  if (s.kind === 'index') {
    const length = lengthOf(value);
    if (length === null) return `has no items to index`;
    const i = s.index < 0 ? s.index + length : s.index;
    if (i < 0 || i >= length) return `has ${length} ${unit(value)}; [${s.index}] is out of range`;
    switch (value.kind) {
      case 'bytes':
        return int(value.value[i]!);
      case 'str':
        return str([...value.value][i]!);
      default:
        return itemsOf(value)![i]!;
    }
  }
  const length = lengthOf(value);
  if (length === null) return `cannot be sliced`;
  const picks = sliceIndices(length, s.start, s.stop, s.step ?? 1);
  switch (value.kind) {
    case 'bytes':
      if (s.step === null || s.step === 1) return bytes(value.value.subarray(picks[0] ?? 0, (picks[picks.length - 1] ?? -1) + 1));
      return bytes(Buffer.from(picks.map((i) => value.value[i]!)));
    case 'str': {
      const chars = [...value.value];
      return str(picks.map((i) => chars[i]!).join(''));
    }
    default: {
      const items = itemsOf(value)!;
      return tuple(...picks.map((i) => items[i]!));
    }
  }
}

/** Items an index counts: bytes, characters of text, items of a tuple or an address; null for anything else. */
function lengthOf(value: Value): number | null {
  if (value.kind === 'bytes') return value.value.length;
  if (value.kind === 'str') return [...value.value].length;
  return itemsOf(value)?.length ?? null;
}

function unit(value: Value): string {
  return value.kind === 'bytes' ? 'bytes' : value.kind === 'str' ? 'characters' : 'items';
}

/** The positions a slice picks, in order: Python's slice.indices() and range(). */
export function sliceIndices(length: number, start: number | null, stop: number | null, step: number): number[] {
  const clip = (n: number, low: number, high: number) => Math.min(Math.max(n, low), high);
  const bound = (n: number | null, fallback: number, low: number, high: number) =>
    n === null ? fallback : clip(n < 0 ? n + length : n, low, high);
  const out: number[] = [];
  if (step > 0) {
    const from = bound(start, 0, 0, length);
    const to = bound(stop, length, 0, length);
    for (let i = from; i < to; i += step) out.push(i);
  } else {
    const from = bound(start, length - 1, -1, length - 1);
    const to = bound(stop, -1, -1, length - 1);
    for (let i = from; i > to; i += step) out.push(i);
  }
  return out;
}
