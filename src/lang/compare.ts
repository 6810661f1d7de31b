import type { CompareOp } from './ast.js';
import { equal, isNumber, repr, type Value } from './values.js';

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
