import type { Span, Stmt } from './ast.js';
import { ownWords, statements, varReads } from './statements.js';

/** The names a program assigns, and every $name it reads. */
export function variables(program: readonly Stmt[]): { assigned: Set<string>; uses: { name: string; span: Span }[] } {
  const assigned = new Set<string>();
  const uses: { name: string; span: Span }[] = [];
  for (const s of statements(program)) {
    if (s.kind === 'command' || s.kind === 'assign') s.targets.forEach((t) => assigned.add(t.name));
    for (const w of ownWords(s)) varReads(w, uses);
  }
  return { assigned, uses };
}
