import type { Target, Word } from './ast.js';
import { intern } from './intern.js';

/**
 * The words before '=' as names: `x`, `a, b`, `a,b`, `a ,b`. Returns null when the words don't
 * read as a name list (then '=' is an ordinary argument, as in `print a = b`), [] after reporting.
 */
export function assignmentTargets(words: readonly Word[]): Target[] | null {
  if (words.some((w) => w.kind !== 'literal' || w.quoted)) return null;
  const targets: Target[] = [];
  let expectName = true;
  for (const w of words) {
    const text = (w as Extract<Word, { kind: 'literal' }>).text;
    let col = w.span.col;
    for (const piece of text.split(/(,)/)) {
      if (piece === ',') {
        if (expectName) return null;
        expectName = true;
      } else if (piece !== '') {
        if (!expectName) return null;
        targets.push({ name: intern(piece), span: { line: w.span.line, col, width: piece.length } });
        expectName = false;
      }
      col += piece.length;
    }
  }
  return expectName ? null : targets;
}
