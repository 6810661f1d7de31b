/**
 * A server loop the student ended with Ctrl-C at the prompt: the session went on after it, but the
 * Python export's `while True:` never ends, so what follows it never runs there. The writer says so.
 */
import type { Stmt } from '../lang/ast.js';

/** Said after a loop only Ctrl-C ends, when more follows it. */
export const ENDLESS_NOTE = [
  'The loop above ends only with Ctrl-C. In the shell that stopped the loop and the session went on;',
  'in Python it (KeyboardInterrupt) ends the program, so the lines below never run there.',
];

/** `while true` with no break of its own (one in a nested loop ends that loop): only an error or Ctrl-C ends it. */
export function endless(s: Stmt): boolean {
  return (
    s.kind === 'while' && s.cond.kind === 'truthy' && s.cond.word.kind === 'literal' && /^true$/i.test(s.cond.word.text) && !breaks(s.body)
  );
}

function breaks(body: readonly Stmt[]): boolean {
  return body.some((s) => s.kind === 'break' || (s.kind === 'if' && (breaks(s.then) || breaks(s.otherwise))));
}
