import type { Span } from './ast.js';

/** The column just past a word: where an error about something missing after it points. */
export function after(span: Span): Span {
  return { line: span.line, col: span.col + span.width, width: 1 };
}
