import type { Diagnostic, Part, Selector, Span, Word } from './ast.js';
import { readSelectors } from './select.js';
import { intern } from './intern.js';
import { LexError } from './lex-error.js';
import { closingQuote, readBytesLiteral, readEscape } from './lex-literals.js';

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
    const literal = readBytesLiteral(this.text, start, this.line);
    if (literal) {
      this.pos = literal.end;
      return literal.word;
    }
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
    const parts = mergeText(this.parts);
    return this.quoted ? { kind: 'template', parts, quoted: true, span } : { kind: 'template', parts, span };
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
        const end = c === "'" ? this.text.indexOf("'", i + 1) : closingQuote(this.text, i + 1, '"');
        if (end < 0) return -1;
        i = end;
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i;
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
        const { value: esc, end } = readEscape(this.text, this.pos);
        this.pos = end;
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
