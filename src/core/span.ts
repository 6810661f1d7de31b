/**
 * Where something is in a source: the first character's line and column, 1-based as editors and
 * `file:line:col` messages count them. Errors, diagnostics and every syntax node carry one.
 */
export interface Span {
  readonly line: number;
  readonly col: number;
  /** Columns covered on that line; at least 1. Used to draw carets. */
  readonly width: number;
}

/** The column just past a span: where an error about something missing after it points. */
export function after(span: Span): Span {
  return { line: span.line, col: span.col + span.width, width: 1 };
}
