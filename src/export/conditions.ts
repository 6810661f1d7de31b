import type { Cond, MatchOp, Word } from '../lang/ast.js';
import { primary, wordBytes, wordValue, type Vars } from './words.js';

/**
 * A condition in Python: the same words, as not, and and or have the same precedence there. The
 * shell compares text with bytes by their UTF-8; Python needs both sides of the same type, so a side
 * is written as bytes when the other is bytes. `need` asks for an import (re).
 */
export function conditionPython(c: Cond, vars: Vars, need: (module: string) => void): string {
  const word = (w: Word) => wordValue(w, vars);
  const sameType = (a: Word, b: Word): [string, string] => {
    const bytes = word(a).type === 'bytes' || word(b).type === 'bytes';
    const side = (w: Word) => (bytes ? wordBytes(w, vars) : word(w).code);
    return [side(a), side(b)];
  };
  const match = (op: MatchOp, left: Word, right: Word): string => {
    switch (op) {
      case 'startswith':
      case 'endswith': {
        const [a, b] = sameType(left, right);
        return `${primary(a)}.${op}(${b})`;
      }
      case 'in':
      case 'not in': {
        const haystack = word(right).type;
        if (haystack !== 'str' && haystack !== 'bytes') return `${word(left).code} ${op} ${word(right).code}`;
        const [a, b] = sameType(left, right);
        return `${a} ${op} ${b}`;
      }
      case 'matches': {
        need('re');
        const pattern = word(left).type === 'bytes' ? wordBytes(right, vars) : word(right).code;
        return `re.search(${pattern}, ${word(left).code})`;
      }
      default: {
        const exhaustive: never = op;
        return exhaustive;
      }
    }
  };
  const cond = (c: Cond): string => {
    switch (c.kind) {
      case 'truthy':
        return word(c.word).code;
      case 'compare': {
        const [left, right] = sameType(c.left, c.right);
        return `${left} ${c.op} ${right}`;
      }
      case 'match':
        return match(c.op, c.left, c.right);
      case 'not':
        return `not ${cond(c.cond)}`;
      case 'and':
      case 'or':
        return `${cond(c.left)} ${c.kind} ${cond(c.right)}`;
      default: {
        const exhaustive: never = c;
        return exhaustive;
      }
    }
  };
  return cond(c);
}
