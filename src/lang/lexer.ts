import type { Diagnostic, Part, Selector, Span, Word } from './ast.js';
import { readSelectors } from './select.js';
import { intern } from './intern.js';

/**
 * Splits one line into words. Pure: no knowledge of commands or values.
 * - Words are separated by spaces or tabs; `#` at the start of a word begins a comment.
 * - 'single quotes' are literal; "double quotes" take escapes and $name / ${name}. A ' between two
 *   letters of a bare word is an apostrophe: it's.
 * - Segments with no space between them join into one word, as in a shell: foo"bar" is one word.
 */
export function lexLine(text: string, line: number): { words: Word[]; error: Diagnostic | null } {
  return new LineLexer(text, line).run();
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
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

class LexError extends Error {
  constructor(
    message: string,
    readonly col: number,
    readonly width = 1,
  ) {
    super(message);
  }
}

class LineLexer {
  private pos = 0;
  private parts: Part[] = [];
  private quoted = false;
  private bareVar = false; // the word so far is exactly one unquoted $name

  constructor(
    private readonly text: string,
    private readonly line: number,
  ) {}

  run(): { words: Word[]; error: Diagnostic | null } {
    const words: Word[] = [];
    try {
      for (;;) {
        this.skipSpace();
        if (this.pos >= this.text.length || this.text[this.pos] === '#') break;
        words.push(this.word());
      }
      return { words, error: null };
    } catch (e) {
      if (!(e instanceof LexError)) throw e;
      return { words, error: { message: e.message, span: { line: this.line, col: e.col, width: e.width } } };
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /[ \t\r]/.test(this.text[this.pos]!)) this.pos++;
  }

  private word(): Word {
    const start = this.pos;
    const literal = this.bytesLiteral();
    if (literal) return literal;
    if (this.text[start] === '(') return this.call();
    this.parts = [];
    this.quoted = false;
    this.bareVar = false;
    let segments = 0;
    while (this.pos < this.text.length && !/[ \t\r]/.test(this.text[this.pos]!)) {
      const c = this.text[this.pos]!;
      if (c === "'") this.single();
      else if (c === '"') this.double();
      else this.bare();
      segments++;
    }
    const span: Span = { line: this.line, col: start + 1, width: Math.max(1, this.pos - start) };
    const onlyVar = this.parts.length === 1 && this.parts[0]!.kind === 'var';
    if (onlyVar && this.bareVar && segments === 1) {
      const v = this.parts[0] as Extract<Part, { kind: 'var' }>;
      return v.path === undefined ? { kind: 'var', name: v.name, span } : { kind: 'var', name: v.name, path: v.path, span };
    }
    if (this.parts.every((p) => p.kind === 'text')) {
      const text = this.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
      return { kind: 'literal', text, quoted: this.quoted, span };
    }
    return { kind: 'template', parts: mergeText(this.parts), span };
  }

  /**
   * x"48 45" (hex digits, spaces or colons between bytes) and b'...' / b"..." (Python's bytes
   * literals: escapes in either quote, as Python has) as whole words; null when the word is not one.
   */
  private bytesLiteral(): Word | null {
    const start = this.pos;
    const prefix = this.text[start];
    const quote = this.text[start + 1];
    if ((prefix !== 'x' && prefix !== 'b') || (quote !== '"' && quote !== "'")) return null;
    const close = prefix === 'x' ? this.text.indexOf(quote, start + 2) : this.closingQuote(start + 2, quote);
    if (close < 0) throw new LexError(`unterminated bytes: add a closing ${quote}`, start + 1, this.text.length - start);
    const end = close + 1;
    if (end < this.text.length && !/[ \t\r]/.test(this.text[end]!)) {
      throw new LexError('bytes literals stand alone: put a space after the closing quote', end + 1);
    }
    const span: Span = { line: this.line, col: start + 1, width: end - start };
    const body = this.text.slice(start + 2, close);
    this.pos = end;
    if (prefix === 'x') {
      const hex = body.replace(/[\s:]/g, '');
      if (!/^([0-9a-fA-F]{2})*$/.test(hex))
        throw new LexError('x"…" takes pairs of hex digits, as in x"48454c4c4f"', start + 1, end - start);
      return { kind: 'bytes', value: Buffer.from(hex, 'hex'), span };
    }
    const bytes: number[] = [];
    for (let i = start + 2; i < close;) {
      const c = this.text[i]!;
      if (c === '\\') {
        this.pos = i;
        const esc = this.escape();
        if (typeof esc === 'number') bytes.push(esc);
        else bytes.push(...Buffer.from(esc, 'utf8'));
        i = this.pos;
        continue;
      }
      if (c.charCodeAt(0) > 0x7f) throw new LexError('bytes literals take ASCII only: write other bytes as \\xHH', i + 1);
      bytes.push(c.charCodeAt(0));
      i++;
    }
    this.pos = end;
    return { kind: 'bytes', value: Buffer.from(bytes), span };
  }

  /**
   * `(NAME ARGS)` as one word: a command's result inside an argument. The words inside are lexed as
   * a line of their own (padded, so their columns are the line's). Nothing may follow the `)`.
   */
  private call(): Word {
    const open = this.pos;
    const close = this.closingParen(open);
    if (close < 0) throw new LexError('expected ) to close (, as in (len $x)', open + 1, this.text.length - open);
    const inner = lexLine(' '.repeat(open + 1) + this.text.slice(open + 1, close), this.line);
    if (inner.error) throw new LexError(inner.error.message, inner.error.span.col, inner.error.span.width);
    const [head, ...args] = inner.words;
    if (head === undefined || head.kind !== 'literal' || head.quoted || !/^[A-Za-z_][\w.]*$/.test(head.text)) {
      // Python's (host, port) typed as it is, or a number in parentheses.
      const hint = /,/.test(this.text.slice(open, close))
        ? "arguments take no commas or parentheses: write Python's (host, port) as HOST PORT"
        : 'to write text with parentheses, quote it';
      throw new LexError(`expected a command after (, as in (len $x); ${hint}`, open + 1, close + 1 - open);
    }
    this.pos = close + 1;
    if (!this.atWordEnd())
      throw new LexError(
        `nothing can follow ) in a word; to join a result with text, assign it first (n = ${head.text} ...)`,
        this.pos + 1,
      );
    return {
      kind: 'call',
      name: intern(head.text),
      nameSpan: head.span,
      args,
      span: { line: this.line, col: open + 1, width: close + 1 - open },
    };
  }

  /** Index of the ) closing the ( at open, past nested parentheses and quoted text; -1 if none. */
  private closingParen(open: number): number {
    let depth = 0;
    for (let i = open; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c === "'" || c === '"') {
        const end = c === "'" ? this.text.indexOf("'", i + 1) : this.closingQuote(i + 1, '"');
        if (end < 0) return -1;
        i = end;
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i;
    }
    return -1;
  }

  /** Index of the quote closing a b'…' literal from `from`, skipping backslash escapes; -1 if none. */
  private closingQuote(from: number, quote: string): number {
    for (let i = from; i < this.text.length; i++) {
      if (this.text[i] === '\\') i++;
      else if (this.text[i] === quote) return i;
    }
    return -1;
  }

  private single(): void {
    const open = this.pos;
    const close = this.text.indexOf("'", open + 1);
    if (close < 0) throw new LexError("unterminated string: add a closing '", open + 1, this.text.length - open);
    this.text_(this.text.slice(open + 1, close));
    this.quoted = true;
    this.pos = close + 1;
  }

  private double(): void {
    const open = this.pos;
    this.pos++;
    this.quoted = true;
    let buf = '';
    for (;;) {
      if (this.pos >= this.text.length) {
        throw new LexError('unterminated string: add a closing "', open + 1, this.text.length - open);
      }
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const esc = this.escape();
        if (typeof esc === 'string') buf += esc;
        else {
          this.text_(buf);
          buf = '';
          this.parts.push({ kind: 'byte', value: esc });
        }
        continue;
      }
      if (c === '$' && this.startsVar()) {
        this.text_(buf);
        buf = '';
        this.parts.push(this.variable());
        continue;
      }
      buf += c;
      this.pos++;
    }
    this.text_(buf);
  }

  /** Reads one escape at pos (a backslash). Returns text, or a byte number for \x80..\xff. */
  private escape(): string | number {
    const at = this.pos;
    const next = this.text[at + 1];
    if (next === undefined) throw new LexError('a backslash ends the line: write \\\\ for a backslash', at + 1);
    if (next === 'x') {
      const hex = this.text.slice(at + 2, at + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new LexError('\\x needs two hex digits, as in \\x0a', at + 1, 2 + hex.length);
      this.pos = at + 4;
      const value = parseInt(hex, 16);
      return value < 0x80 ? String.fromCharCode(value) : value;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple === undefined) {
      throw new LexError(`unknown escape \\${next}: use \\n \\r \\t \\\\ \\" \\$ or \\xHH`, at + 1, 2);
    }
    this.pos = at + 2;
    return simple;
  }

  private bare(): void {
    let buf = '';
    const first = this.parts.length === 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '"') break;
      if (c === "'" && !this.apostrophe()) break;
      if (c === '$' && this.startsVar()) {
        this.text_(buf);
        buf = '';
        const isWhole = first && this.parts.length === 0;
        const v = this.variable();
        this.parts.push(v);
        this.bareVar = isWhole && this.atWordEnd();
        // $m[1]foo once sent the value and then "foo": what follows brackets in a word is a mistake.
        if (v.path !== undefined && !this.atWordEnd()) {
          const shown = this.text.slice(v.span.col - 1, this.pos);
          throw new LexError(
            `nothing can follow ${shown} in a word; to join it with text, write one quoted word: "\${${shown.slice(1)}}${this.text[this.pos] === '"' ? '' : '…'}"`,
            this.pos + 1,
          );
        }
        continue;
      }
      buf += c;
      this.pos++;
    }
    this.text_(buf);
  }

  /**
   * A ' between two letters of a bare word (it's, don't, O'Brien) is a character, not a quote: typed
   * payloads are full of them. A quote still opens after anything else ('a b', msg='a b').
   */
  private apostrophe(): boolean {
    const before = this.text[this.pos - 1] ?? '';
    const after = this.text[this.pos + 1] ?? '';
    return /[A-Za-z0-9]/.test(before) && /[A-Za-z]/.test(after);
  }

  private atWordEnd(): boolean {
    const c = this.text[this.pos];
    return c === undefined || c === ' ' || c === '\t' || c === '\r';
  }

  private startsVar(): boolean {
    const next = this.text[this.pos + 1];
    if (next === '(') {
      throw new LexError(
        "a command's result is written (len $x), without $; inside quotes, assign it first (n = len $x) and write $n",
        this.pos + 1,
        2,
      );
    }
    return next !== undefined && (NAME_START.test(next) || next === '{');
  }

  /**
   * Reads $name or ${name} at pos, and the indexes and slices after it, as Python chains them:
   * $addr[1], $m[0][2:4], ${m[-1]}. A bracket that is not one of them is an error, never text.
   */
  private variable(): Extract<Part, { kind: 'var' }> {
    const at = this.pos;
    let name: string;
    let path: Selector[];
    if (this.text[at + 1] === '{') {
      const close = this.text.indexOf('}', at + 2);
      const m = close < 0 ? null : /^([A-Za-z_][A-Za-z0-9_]*)(\[.*)?$/.exec(this.text.slice(at + 2, close));
      if (!m) throw new LexError('expected ${name} or ${name[N]} with a closing }', at + 1, 2);
      name = m[1]!;
      const after = at + 2 + name.length;
      path = this.selectors(after);
      if (this.pos !== close) throw new LexError('expected } after the index, as in ${m[0]}', this.pos + 1);
      this.pos = close + 1;
    } else {
      let end = at + 1;
      while (end < this.text.length && NAME_CHAR.test(this.text[end]!)) end++;
      name = this.text.slice(at + 1, end);
      path = this.selectors(end);
    }
    const span = { line: this.line, col: at + 1, width: this.pos - at };
    name = intern(name);
    return path.length === 0 ? { kind: 'var', name, span } : { kind: 'var', name, path, span };
  }

  /** The [..] selectors from `from`; leaves pos after them. */
  private selectors(from: number): Selector[] {
    const read = readSelectors(this.text, from, this.line);
    if ('error' in read) throw new LexError(read.error.message, read.error.at + 1, read.error.width);
    this.pos = read.end;
    return read.selectors;
  }

  private text_(text: string): void {
    if (text !== '') this.parts.push({ kind: 'text', text });
  }
}

export function isName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}

function mergeText(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + p.text };
    else if (!(p.kind === 'text' && p.text === '')) out.push(p);
  }
  return out;
}
