/**
 * The lexer's literals that need no state of the line lexer: escapes (\n, \xHH, …), bytes literals
 * (x"48 45", b'..'), and where a b'…' quote closes. Pure functions of the line's text and a position.
 */
import type { Span, Word } from './ast.js';
import { LexError } from './lex-error.js';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  '\\': '\\',
  '"': '"',
  "'": "'",
  $: '$',
};

/** The escape at `at` (a backslash): text, or a byte number for \x80..\xff; `end` is just past it. */
export function readEscape(text: string, at: number): { value: string | number; end: number } {
  const next = text[at + 1];
  if (next === undefined) throw new LexError('a backslash ends the line: write \\\\ for a backslash', at + 1);
  if (next === 'x') {
    const hex = text.slice(at + 2, at + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new LexError('\\x needs two hex digits, as in \\x0a', at + 1, 2 + hex.length);
    const value = parseInt(hex, 16);
    return { value: value < 0x80 ? String.fromCharCode(value) : value, end: at + 4 };
  }
  const simple = SIMPLE_ESCAPES[next];
  if (simple === undefined) {
    throw new LexError(`unknown escape \\${next}: use \\n \\r \\t \\\\ \\" \\$ or \\xHH`, at + 1, 2);
  }
  return { value: simple, end: at + 2 };
}

/** Index of the quote closing a b'…' literal from `from`, skipping backslash escapes; -1 if none. */
export function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * x"48 45" (hex digits, spaces or colons between bytes) and b'...' / b"..." (Python's bytes
 * literals: escapes in either quote, as Python has) as whole words at `start`, with the index just
 * past them; null when the word there is not one.
 */
export function readBytesLiteral(text: string, start: number, line: number): { word: Word; end: number } | null {
  const prefix = text[start];
  const quote = text[start + 1];
  if ((prefix !== 'x' && prefix !== 'b') || (quote !== '"' && quote !== "'")) return null;
  const close = prefix === 'x' ? text.indexOf(quote, start + 2) : closingQuote(text, start + 2, quote);
  if (close < 0) throw new LexError(`unterminated bytes: add a closing ${quote}`, start + 1, text.length - start);
  const end = close + 1;
  if (end < text.length && !/[ \t\r]/.test(text[end]!)) {
    throw new LexError('bytes literals stand alone: put a space after the closing quote', end + 1);
  }
  const span: Span = { line, col: start + 1, width: end - start };
  const body = text.slice(start + 2, close);
  if (prefix === 'x') {
    const hex = body.replace(/[\s:]/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new LexError('x"…" takes pairs of hex digits, as in x"48454c4c4f"', start + 1, end - start);
    return { word: { kind: 'bytes', value: Buffer.from(hex, 'hex'), span }, end };
  }
  const bytes: number[] = [];
  for (let i = start + 2; i < close;) {
    const c = text[i]!;
    if (c === '\\') {
      const esc = readEscape(text, i);
      if (typeof esc.value === 'number') bytes.push(esc.value);
      else bytes.push(...Buffer.from(esc.value, 'utf8'));
      i = esc.end;
      continue;
    }
    if (c.charCodeAt(0) > 0x7f) throw new LexError('bytes literals take ASCII only: write other bytes as \\xHH', i + 1);
    bytes.push(c.charCodeAt(0));
    i++;
  }
  return { word: { kind: 'bytes', value: Buffer.from(bytes), span }, end };
}
