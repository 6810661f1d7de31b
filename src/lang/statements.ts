import type { Span, Stmt, Word } from './ast.js';
import { condWords } from './conditions.js';

/** A program's statements, blocks' bodies included, in source order (each before the statements of its body). */
export function statements(program: readonly Stmt[], out: Stmt[] = []): Stmt[] {
  for (const stmt of program) {
    out.push(stmt);
    switch (stmt.kind) {
      case 'while':
      case 'repeat':
        statements(stmt.body, out);
        break;
      case 'if':
        statements(stmt.then, out);
        statements(stmt.otherwise, out);
        break;
      case 'command':
      case 'assign':
      case 'show':
      case 'break':
      case 'continue':
        break;
      default: {
        const exhaustive: never = stmt;
        return exhaustive;
      }
    }
  }
  return out;
}

/**
 * The words a statement holds itself, not its body's: a command's arguments, a condition's words, a
 * repeat's count, the word assigned or shown. With statements(), every word of a program.
 */
export function ownWords(stmt: Stmt): readonly Word[] {
  switch (stmt.kind) {
    case 'command':
      return stmt.call.args;
    case 'assign':
      return [stmt.value];
    case 'show':
      return [stmt.word];
    case 'while':
    case 'if':
      return condWords(stmt.cond);
    case 'repeat':
      return [stmt.count];
    case 'break':
    case 'continue':
      return [];
    default: {
      const exhaustive: never = stmt;
      return exhaustive;
    }
  }
}

/** Every $name a word reads: itself, inside a template ("a $x b"), inside an inline call's arguments. */
export function varReads(word: Word, out: { name: string; span: Span }[] = []): { name: string; span: Span }[] {
  if (word.kind === 'var') out.push({ name: word.name, span: word.span });
  else if (word.kind === 'template') {
    for (const p of word.parts) if (p.kind === 'var') out.push({ name: p.name, span: p.span });
  } else if (word.kind === 'call') for (const a of word.args) varReads(a, out);
  return out;
}
