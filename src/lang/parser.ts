/**
 * Lines into a program: blocks (while, repeat, if/elif/else … end) and their nesting here, each other
 * line's statement in line-statement.ts. Pure; every diagnostic carries its line and column.
 */
import { pythonCondition } from './foreign-words.js';
import { parseCondition } from './conditions.js';
import type { BlockKind, Cond, Diagnostic, Span, Stmt, Word } from './ast.js';
import { lexLine } from './lexer.js';
import { after } from '../core/span.js';
import { pythonCallLine } from './python-habits.js';
import { lineStatement } from './line-statement.js';
import type { Grammar } from './grammar.js';

export interface ParseResult {
  readonly program: readonly Stmt[];
  readonly diagnostics: readonly Diagnostic[];
  /** The input ended inside an open block: an interactive reader should ask for more lines. */
  readonly incomplete: boolean;
  /** How many of the diagnostics say a block was left open at the end (one per open block). */
  readonly unclosed: number;
}

export interface ParseOptions {
  /** Line number of the first line of `source` (REPL and piped sessions parse chunk by chunk). */
  readonly firstLine?: number;
}

/**
 * Parses a whole program. Pure. One bad line gives one diagnostic and parsing goes on with the
 * next line, so a script with three mistakes reports three.
 */
export function parse(source: string, grammar: Grammar, options: ParseOptions = {}): ParseResult {
  const parser = new Parser(source.split('\n'), grammar, options.firstLine ?? 1);
  return parser.program();
}

const KEYWORDS: ReadonlySet<string> = new Set(['while', 'repeat', 'if', 'elif', 'else', 'end', 'break', 'continue']);

/**
 * Blocks nest at most this deep. The parser and the interpreter recurse once per level, so without a
 * limit 10,000 nested `while true` lines overflow the stack; Python's own limit is 20.
 */
export const MAX_NESTING = 64;

interface Line {
  readonly words: readonly Word[];
  readonly number: number;
}

class Parser {
  private index = 0;
  private readonly diagnostics: Diagnostic[] = [];
  /** Blocks left open at the end of the input, each reported once. */
  private unclosed = 0;
  private loops = 0;
  private depth = 0;
  /**
   * Blocks closed by an 'end' indented unlike their head. When an outer block is then left open, such
   * an inner block is the likely one missing its 'end', and the error points there.
   */
  private readonly misaligned: { kind: BlockKind; open: Span; end: Span }[] = [];

  constructor(
    private readonly lines: readonly string[],
    private readonly grammar: Grammar,
    private readonly firstLine: number,
  ) {}

  program(): ParseResult {
    const program: Stmt[] = [];
    while (this.index < this.lines.length) {
      const line = this.next();
      if (line === null) continue;
      const head = keyword(line.words[0]!);
      if (head === 'end' || head === 'else' || head === 'elif') {
        this.report(`'${head}' without an open block (${head === 'end' ? 'while, repeat or if' : 'if'})`, line.words[0]!.span);
        continue;
      }
      const stmt = this.statement(line);
      if (stmt) program.push(stmt);
    }
    return { program, diagnostics: this.diagnostics, incomplete: this.unclosed > 0, unclosed: this.unclosed };
  }

  /** The next non-empty line, lexed; null for blank lines, comments and lines with lexing errors. */
  private next(): Line | null {
    const number = this.firstLine + this.index;
    const text = this.lines[this.index++]!;
    const { words, error } = lexLine(text, number);
    if (error) {
      // A line of Python (u.sendto(b"hi", ("127.0.0.1", 12000))) can fail to lex on its parentheses:
      // the sockshell spelling says more than the lexer's complaint.
      const python = pythonCallLine(text, this.grammar);
      this.diagnostics.push(python === null ? error : { message: python, span: headSpan(text, number) });
      return null;
    }
    return words.length === 0 ? null : { words, number };
  }

  private statement(line: Line): Stmt | null {
    const words = line.words;
    const first = words[0]!;
    switch (keyword(first)) {
      case 'while':
      case 'if':
      case 'repeat':
        return this.block(line);
      case 'break':
      case 'continue': {
        const kind = keyword(first) as 'break' | 'continue';
        if (words.length > 1) return this.report(`'${kind}' takes no arguments`, words[1]!.span);
        if (this.loops === 0) return this.report(`'${kind}' outside a loop`, first.span);
        return { kind, span: first.span };
      }
      default:
        return this.simple(words);
    }
  }

  private block(line: Line): Stmt | null {
    const [head, ...rest] = line.words;
    const kind = keyword(head!) as BlockKind;
    const span = head!.span;
    let header: Cond | Word | null;
    if (kind === 'repeat') {
      header = rest.length === 1 ? rest[0]! : null;
      if (!header) this.report(`expected a count after 'repeat', as in: repeat 3`, rest[1]?.span ?? after(span));
    } else {
      header = this.cond(kind, rest, span);
    }
    if (this.depth >= MAX_NESTING) {
      this.report(`blocks nest too deep: at most ${MAX_NESTING} levels of while, repeat and if`, span);
      this.skipBlock(kind, span);
      return null;
    }
    if (kind !== 'if') this.loops++;
    this.depth++;
    const body = this.body(kind, span, header === null);
    this.depth--;
    if (kind !== 'if') this.loops--;
    if (!header || !body) return null;
    switch (kind) {
      case 'while':
        return { kind, cond: header as Cond, body: body.then, span };
      case 'repeat':
        return { kind, count: header as Word, body: body.then, span };
      case 'if':
        return { kind, cond: header as Cond, then: body.then, otherwise: body.otherwise, span };
      default: {
        const exhaustive: never = kind;
        return exhaustive;
      }
    }
  }

  /** Statements up to the matching `end`; `else` is allowed once in an `if`. */
  /** `badHeader`: the header's error already stands for the block, so input that ends inside it adds none. */
  private body(kind: BlockKind, open: Span, badHeader = false): { then: Stmt[]; otherwise: Stmt[] } | null {
    const then: Stmt[] = [];
    const otherwise: Stmt[] = [];
    let current = then;
    let sawElse = false;
    while (this.index < this.lines.length) {
      const line = this.next();
      if (line === null) continue;
      const head = keyword(line.words[0]!);
      if (head === 'end' || head === 'else') {
        if (line.words.length > 1) this.report(`'${head}' takes nothing after it`, line.words[1]!.span);
      }
      if (head === 'end') {
        const end = line.words[0]!.span;
        if (end.col !== open.col) this.misaligned.push({ kind, open, end });
        return { then, otherwise };
      }
      if (head === 'else') {
        if (kind !== 'if' || sawElse) this.report(`'else' belongs to an 'if' block, once`, line.words[0]!.span);
        sawElse = true;
        current = otherwise;
        continue;
      }
      if (head === 'elif') {
        if (kind !== 'if' || sawElse) this.report(`'elif' belongs to an 'if' block, before its 'else'`, line.words[0]!.span);
        return this.elif(line, open, then, otherwise, badHeader);
      }
      const stmt = this.statement(line);
      if (stmt) current.push(stmt);
    }
    if (!badHeader) this.reportUnclosed(kind, open);
    return null;
  }

  /**
   * `elif COND` is `else` holding an `if COND` that shares the block's `end`: the rest of the block
   * is read as that if's body, into otherwise.
   */
  private elif(line: Line, open: Span, then: Stmt[], otherwise: Stmt[], badHeader: boolean): { then: Stmt[]; otherwise: Stmt[] } | null {
    const head = line.words[0]!;
    const cond = this.cond('elif', line.words.slice(1), head.span);
    const rest = this.body('if', open, badHeader || cond === null);
    if (rest === null) return null;
    if (cond !== null) otherwise.push({ kind: 'if', cond, then: rest.then, otherwise: rest.otherwise, span: head.span });
    return { then, otherwise };
  }

  /** kind at open never got its 'end'; blame an inner block whose 'end' is indented like this one, if any. */
  private reportUnclosed(kind: BlockKind, open: Span): void {
    this.unclosed++;
    const inner = this.misaligned.find((m) => m.open.line > open.line && m.end.col === open.col);
    if (inner === undefined) {
      this.diagnostics.push({ message: `'${kind}' block is not closed: add 'end'`, span: open, unclosed: kind });
      return;
    }
    this.diagnostics.push({
      message: `'${inner.kind}' block is not closed: add 'end' (the 'end' on line ${inner.end.line} closes it, but is indented like the '${kind}' on line ${open.line}, which is left open)`,
      span: inner.open,
      unclosed: inner.kind,
    });
  }

  /** Skips to the `end` matching an open block without recursing, so one error stands for the whole block. */
  private skipBlock(kind: BlockKind, open: Span): void {
    let unclosed = 1;
    while (this.index < this.lines.length) {
      const line = this.next();
      if (line === null) continue;
      const head = keyword(line.words[0]!);
      if (head === 'while' || head === 'repeat' || head === 'if') unclosed++;
      else if (head === 'end' && --unclosed === 0) return;
    }
    this.reportUnclosed(kind, open);
  }

  private cond(kind: string, words: readonly Word[], at: Span): Cond | null {
    const python = pythonCondition(words.map((w) => (w.kind === 'literal' && !w.quoted ? w.text : '')));
    if (python !== null) return this.report(python, words[words.length - 1]!.span);
    if (words.length === 0) {
      return this.report(`expected a condition after '${kind}': a value (${kind} true) or a comparison (${kind} $x == 5)`, after(at));
    }
    const parsed = parseCondition(words, after(at), (w) => this.written(w));
    return 'cond' in parsed ? parsed.cond : this.report(parsed.message, parsed.span);
  }

  /** A word as it was typed. */
  private written(w: Word): string {
    const line = this.lines[w.span.line - this.firstLine] ?? '';
    return line.slice(w.span.col - 1, w.span.col - 1 + w.span.width);
  }

  /** An assignment, a command or a lone value: one line's statement (line-statement.ts). */
  private simple(words: readonly Word[]): Stmt | null {
    const line = this.lines[words[0]!.span.line - this.firstLine]!;
    const { stmt, diagnostics } = lineStatement(words, line, this.grammar);
    this.diagnostics.push(...diagnostics);
    return stmt;
  }

  private report(message: string, span: Span): null {
    this.diagnostics.push({ message, span });
    return null;
  }
}

function keyword(word: Word): string | null {
  return word.kind === 'literal' && !word.quoted && KEYWORDS.has(word.text) ? word.text : null;
}

/** The span of a line's command word (after any `a, b =`), from the text alone: the line did not lex. */
function headSpan(text: string, line: number): Span {
  const m = /^(\s*(?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*\s*=\s*)?(\s*)(\S+)/.exec(text);
  const col = (m?.[1]?.length ?? 0) + (m?.[2]?.length ?? 0) + 1;
  return { line, col, width: m?.[3]?.length ?? 1 };
}
