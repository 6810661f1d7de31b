import type { Stmt } from './ast.js';

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
