import type { Diagnostic, Span } from '../lang/ast.js';
import { diagnosticLine, messageLine } from '../render/message.js';
import { terminalSafe } from '../render/terminal.js';
import type { ChunkResult } from '../session/chunk.js';
import type { ShellLine } from './view.js';

/** One line of what went wrong, for the error channel. */
export interface ReportLine {
  readonly text: string;
  readonly style: ShellLine['style'];
}

/** What the report needs to know of the shell it is shown in. */
export interface ReportPlace {
  /** The chunk's text, as typed. */
  readonly source: string;
  /** The prompt it was typed after: a caret under the typed line is indented by it. */
  readonly typedAfter: string;
  /** The command was typed on the line just above and nothing was shown since: one caret line suffices. */
  readonly caretUnderInput: boolean;
  /** A call the table knows as a socket method (a cancelled one leaves its socket open). */
  readonly isMethod: (name: string) => boolean;
}

/**
 * The lines that tell how a chunk that did not end well ended: a caret under the column of a syntax
 * error or a failed call, a failure in another file by its file:line:col, a cancel and what it left.
 * Nothing for a chunk that ran, or is waiting for more lines; `exit` is the caller's to act on.
 */
export function chunkReport(result: ChunkResult, place: ReportPlace): ReportLine[] {
  switch (result.kind) {
    case 'ok':
    case 'incomplete':
    case 'exit':
      return [];
    case 'syntax':
      return syntaxReport(result.diagnostics, place);
    case 'failed': {
      const e = result.error;
      if (e.file !== undefined) return [{ text: `error: ${diagnosticLine(e.file, e.span, e.message)}`, style: 'error' }];
      return caret(place, e.span, e.message);
    }
    case 'cancelled': {
      const kept = place.isMethod(result.what) ? '; the socket stays open and keeps its queued data' : '';
      return [{ text: `^C ${result.what} cancelled${result.detail === null ? '' : `; ${result.detail}`}${kept}`, style: 'dim' }];
    }
    default: {
      const exhaustive: never = result;
      return exhaustive;
    }
  }
}

/**
 * A chunk is run while a block is still open only when a line of it has an error (compile's
 * `incomplete`): the prompt stopped reading there, so the open block is no fault of its own. Such a
 * block is dropped, as Python's REPL drops a block with a SyntaxError; say that once, for the outermost.
 */
function syntaxReport(diagnostics: readonly Diagnostic[], place: ReportPlace): ReportLine[] {
  const errors = diagnostics.filter((d) => d.unclosed === undefined);
  const open = diagnostics.find((d) => d.unclosed !== undefined);
  const shown = errors.length > 0 ? errors : diagnostics;
  const lines = shown.flatMap((d) => caret(place, d.span, d.message));
  if (errors.length === 0 || open?.unclosed === undefined) return lines;
  const dropped = `# the '${open.unclosed}' block typed since line ${open.span.line} is dropped, nothing of it ran: type it again`;
  return [...lines, { text: dropped, style: 'dim' }];
}

/** One error line with a caret under the column; the offending line is repeated above it unless it was just typed. */
function caret(place: ReportPlace, span: Span | null, message: string): ReportLine[] {
  if (!span) return [{ text: `error: ${messageLine(message)}`, style: 'error' }];
  const lines = place.source.replace(/\n$/, '').split('\n');
  // Under the typed line only if it is one line (a block's other lines would seem to be what is pointed at).
  const underInput = place.caretUnderInput && lines.length === 1;
  const indent = underInput ? place.typedAfter.length : 2;
  const pointer = `${' '.repeat(indent + span.col - 1)}${'^'.repeat(Math.max(1, Math.min(span.width, 40)))} ${messageLine(message)}`;
  const shown: ReportLine[] = underInput ? [] : [{ text: `  ${terminalSafe(Buffer.from(lines[span.line - 1] ?? ''))}`, style: 'plain' }];
  return [...shown, { text: pointer, style: 'error' }];
}
