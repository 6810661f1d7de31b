/** Whether a condition of while and if holds, from the values of its words; a comparison Python would refuse is a ShellError at its word. */

import type { Cond, Word } from '../lang/ast.js';
import { truthy, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { compare, match } from '../lang/compare.js';

export function holds(cond: Cond, value: (word: Word) => Value): boolean {
  switch (cond.kind) {
    case 'truthy':
      return truthy(value(cond.word));
    case 'compare': {
      const result = compare(cond.op, value(cond.left), value(cond.right));
      if (typeof result === 'string') throw new ShellError(result, cond.left.span);
      return result;
    }
    case 'match': {
      const result = match(cond.op, value(cond.left), value(cond.right));
      if (typeof result === 'string') throw new ShellError(result, cond.opSpan);
      return result;
    }
    case 'not':
      return !holds(cond.cond, value);
    case 'and':
      return holds(cond.left, value) && holds(cond.right, value);
    case 'or':
      return holds(cond.left, value) || holds(cond.right, value);
    default: {
      const exhaustive: never = cond;
      return exhaustive;
    }
  }
}
