import type { Span } from '../lang/ast.js';
import { terminalSafe } from './terminal.js';

/**
 * Errors, warnings and notices quote what people typed and what peers sent (a host name, a socket
 * name, a bad escape). Whatever they quote, a message stays one line of plain text, on a terminal,
 * in a pipe or in a log: control characters, invalid UTF-8 and bidi overrides are escaped as
 * terminalSafe does, and so are line breaks.
 */
export function messageLine(text: string): string {
  return terminalSafe(Buffer.from(text, 'utf8')).replace(/\n/g, '\\n');
}

/** `FILE:LINE:COL: message`, or `FILE: message` when there is no position: how scripts report errors. */
export function diagnosticLine(file: string, span: Span | null, message: string): string {
  return `${span ? `${file}:${span.line}:${span.col}` : file}: ${messageLine(message)}`;
}
