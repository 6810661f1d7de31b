import type { CompareOp, MatchOp } from './ast.js';
import { equal, isNumber, itemsOf, repr, toBytes, type Value } from './values.js';

/**
 * The comparisons of `if`, `while` and `expect`. Equality works across types (text equals its
 * UTF-8 bytes); ordering needs two numbers. Returns an error message instead of throwing, so the
 * caller can point at the right word.
 */
export function compare(op: CompareOp, left: Value, right: Value): boolean | string {
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = numeric(left);
      const b = numeric(right);
      if (a === null || b === null) {
        return `'${op}' compares numbers; got ${repr(a === null ? left : right)}`;
      }
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    default: {
      const exhaustive: never = op;
      return exhaustive;
    }
  }
}

function numeric(v: Value): number | null {
  if (isNumber(v)) return v.value;
  if (v.kind === 'str' && /^\s*-?\d+(\.\d+)?\s*$/.test(v.value)) return Number(v.value);
  return null;
}

/**
 * startswith, endswith, in, not in and matches. Text with text works on characters; otherwise both
 * sides work as bytes (text as its UTF-8), as == does. `in` also finds an item of a tuple or an
 * address. `matches` is a regular expression search (Python's re.search: anywhere, unless anchored
 * with ^); on bytes it matches byte by byte. Returns an error message instead of throwing.
 */
export function match(op: MatchOp, left: Value, right: Value): boolean | string {
  switch (op) {
    case 'startswith':
    case 'endswith': {
      if (!isData(left) || !isData(right))
        return `'${op}' works on text and bytes; got ${besideData(isData(left) ? right : left, isData(left) ? left : right)}`;
      if (left.kind === 'str' && right.kind === 'str')
        return op === 'startswith' ? left.value.startsWith(right.value) : left.value.endsWith(right.value);
      const [a, b] = [toBytes(left), toBytes(right)];
      return b.length <= a.length && (op === 'startswith' ? a.subarray(0, b.length) : a.subarray(a.length - b.length)).equals(b);
    }
    case 'in':
    case 'not in': {
      const found = contains(right, left);
      if (typeof found === 'string') return found;
      return op === 'in' ? found : !found;
    }
    case 'matches': {
      if (!isData(left)) return `'matches' searches text or bytes; got ${repr(left)}`;
      if (!isData(right)) return `'matches' takes a pattern as text; got ${repr(right)}`;
      const pattern = regex(toBytes(right).toString(left.kind === 'str' ? 'utf8' : 'latin1'), left.kind === 'str');
      if (typeof pattern === 'string') return pattern;
      return pattern.test(left.kind === 'str' ? left.value : left.value.toString('latin1'));
    }
    default: {
      const exhaustive: never = op;
      return exhaustive;
    }
  }
}

/**
 * The value that is not text or bytes, as an error shows it. A number beside text or bytes is most
 * likely a bare word meant as text (`startswith 220`, a reply code): the error says how to write it.
 */
function besideData(v: Value, other: Value): string {
  if (!isNumber(v) || !isData(other)) return repr(v);
  return `${repr(v)}, a number: quote it to mean the text, "${repr(v)}"`;
}

function isData(v: Value): v is Extract<Value, { kind: 'str' | 'bytes' }> {
  return v.kind === 'str' || v.kind === 'bytes';
}

/** `needle in haystack`: a substring of text or bytes, or an item of a tuple or an address. */
function contains(haystack: Value, needle: Value): boolean | string {
  const items = itemsOf(haystack);
  if (items !== null) return items.some((item) => equal(item, needle));
  if (!isData(haystack)) return `'in' looks in text, bytes or a tuple; got ${repr(haystack)}`;
  if (!isData(needle))
    return `'in' looks for text or bytes in ${haystack.kind === 'str' ? 'text' : 'bytes'}; got ${besideData(needle, haystack)}`;
  if (haystack.kind === 'str' && needle.kind === 'str') return haystack.value.includes(needle.value);
  return toBytes(haystack).includes(toBytes(needle));
}

/** Patterns compile once each: a loop tests the same one again and again. */
const PATTERNS = new Map<string, RegExp | string>();

function regex(source: string, text: boolean): RegExp | string {
  const key = `${text ? 'u' : 'b'}${source}`;
  let compiled = PATTERNS.get(key);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(source, text ? 'u' : '');
    } catch (e) {
      compiled = `not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
    }
    if (PATTERNS.size > 256) PATTERNS.clear();
    PATTERNS.set(key, compiled);
  }
  return compiled;
}
