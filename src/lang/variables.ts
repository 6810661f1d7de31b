import { condWords } from './conditions.js';
import type { Span, Stmt, Word } from './ast.js';

/** The names a program assigns, and every $name it reads. */
export function variables(program: readonly Stmt[]): { assigned: Set<string>; uses: { name: string; span: Span }[] } {
  const assigned = new Set<string>();
  const uses: { name: string; span: Span }[] = [];
  const words = (ws: readonly Word[]): void => {
    for (const w of ws) {
      if (w.kind === 'var') uses.push({ name: w.name, span: w.span });
      if (w.kind === 'template') for (const p of w.parts) if (p.kind === 'var') uses.push({ name: p.name, span: p.span });
      if (w.kind === 'call') words(w.args);
    }
  };
  const visit = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'command':
          s.targets.forEach((t) => assigned.add(t.name));
          words(s.call.args);
          break;
        case 'assign':
          s.targets.forEach((t) => assigned.add(t.name));
          words([s.value]);
          break;
        case 'show':
          words([s.word]);
          break;
        case 'while':
        case 'if':
          words(condWords(s.cond));
          visit(s.kind === 'while' ? s.body : [...s.then, ...s.otherwise]);
          break;
        case 'repeat':
          words([s.count]);
          visit(s.body);
          break;
        case 'break':
        case 'continue':
          break;
        default: {
          const exhaustive: never = s;
          return exhaustive;
        }
      }
    }
  };
  visit(program);
  return { assigned, uses };
}
