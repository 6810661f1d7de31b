import { foreignWord, pythonCondition } from './foreign-words.js';
import { parseCondition } from './conditions.js';
import type { Call, Cond, Diagnostic, Span, Stmt, Target, Word } from './ast.js';
import { isName, lexLine } from './lexer.js';
import { intern } from './intern.js';
import { assignmentTargets } from './targets.js';
import { commandLikeText } from './command-like.js';
import { pythonAssignedText, pythonCallLine } from './python-habits.js';

/** What the parser needs to know about commands: which words start one. Supplied by the command table. */
export interface Grammar {
  /** A command spelled as one word: `print`, `udp.bind`, `recvfrom`. */
  isCommand(name: string): boolean;
  /** A socket method usable as `NAME.method`. */
  isMethod(name: string): boolean;
  /** A close spelling to suggest for an unknown command, if any. */
  suggest(name: string): string | null;
  /** The part before the dot of commands spelled with one: `udp` (udp.socket, udp.bind), `tcp`. */
  isFamily(prefix: string): boolean;
}

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

/** Operators someone might try after a value: the language has none of them. */
const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '//', '**', '+=', '-=']);
const KEYWORDS: ReadonlySet<string> = new Set(['while', 'repeat', 'if', 'elif', 'else', 'end', 'break', 'continue']);

/**
 * Blocks nest at most this deep. The parser and the interpreter recurse once per level, so without a
 * limit 10,000 nested `while true` lines overflow the stack; Python's own limit is 20.
 */
export const MAX_NESTING = 64;

type BlockKind = 'while' | 'repeat' | 'if';

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
      this.report(`'${kind}' block is not closed: add 'end'`, open);
      return;
    }
    this.report(
      `'${inner.kind}' block is not closed: add 'end' (the 'end' on line ${inner.end.line} closes it, but is indented like the '${kind}' on line ${open.line}, which is left open)`,
      inner.open,
    );
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

  /**
   * An assignment, a command or a lone value. A line that reads as Python (`us.recvfrom(2048)`) gets
   * the sockshell spelling in place of its error. So does one that would parse only as unquoted text
   * that is a Python call (`x = clientSocket.recv(1024)` would be the text 'clientSocket.recv(1024)'):
   * the text stays one pair of quotes away. Other lines are left alone.
   */
  private simple(words: readonly Word[]): Stmt | null {
    const before = this.diagnostics.length;
    const stmt = this.plain(words);
    const eq = words.findIndex((w) => w.kind === 'literal' && !w.quoted && w.text === '=');
    const head = words[eq + 1] ?? words[0]!;
    const line = this.lines[head.span.line - this.firstLine]!;
    if (stmt !== null) {
      if (stmt.kind !== 'assign' || stmt.value.kind === 'var' || stmt.value.kind === 'bytes') return stmt;
      const { span } = stmt.value;
      const written = line.slice(span.col - 1, span.col - 1 + span.width);
      const python = pythonAssignedText(line, this.grammar, stmt.targets, written);
      const command = stmt.value.kind === 'literal' && !stmt.value.quoted ? commandLikeText(written, this.grammar, stmt.targets) : null;
      // The statement stays (the diagnostic stops the program running): its names count as assigned, so a
      // later $name gets no second error for the same mistake.
      if (python !== null || command !== null) this.report(python ?? command!, span);
      return stmt;
    }
    if (this.diagnostics.length === before) return null;
    const python = pythonCallLine(line, this.grammar);
    if (python !== null) this.diagnostics.splice(before, this.diagnostics.length - before, { message: python, span: head.span });
    return null;
  }

  private plain(words: readonly Word[]): Stmt | null {
    const eq = words.findIndex((w) => w.kind === 'literal' && !w.quoted && w.text === '=');
    const targets = eq > 0 ? assignmentTargets(words.slice(0, eq)) : null;
    if (eq === 0 || (eq > 0 && targets === null && !this.commandOf(words[0]!))) {
      return this.report(`expected a name before '=', as in: x = 5`, words[0]!.span);
    }
    if (targets === null) return this.command(words, []);
    const rhs = words.slice(eq + 1);
    const bad = targets.find((t) => !isName(t.name));
    if (bad) return this.report(`'${bad.name}' is not a valid name: use letters, digits and _`, bad.span);
    if (rhs.length === 0) return this.report(`expected a value or a command after '='`, after(words[eq]!.span));
    if (this.commandOf(rhs[0]!)) return this.command(rhs, targets);
    if (rhs.length === 1 && targets.length > 1 && rhs[0]!.kind !== 'var') {
      return this.report(
        `${targets.length} names need ${targets.length} values: a command that returns them, or a $name that holds them`,
        rhs[0]!.span,
      );
    }
    if (rhs.length === 1) return { kind: 'assign', targets, value: rhs[0]!, span: words[0]!.span };
    if (rhs[0]!.kind !== 'literal' || rhs[0]!.quoted) return this.valueWithMore(rhs[1]!);
    return this.unknown(rhs[0]!, `; to assign text with spaces, quote it: ${targets[0]!.name} = "a b"`, true);
  }

  private command(words: readonly Word[], targets: readonly Target[]): Stmt | null {
    const head = words[0]!;
    const call = this.commandOf(head);
    if (!call) {
      if (words.length === 1 && head.kind !== 'literal') return { kind: 'show', word: head, span: head.span };
      if (words.length > 1 && (head.kind !== 'literal' || head.quoted)) return this.valueWithMore(words[1]!);
      return this.unknown(head, '');
    }
    let args = words.slice(1);
    const last = args[args.length - 1];
    const background = last !== undefined && last.kind === 'literal' && !last.quoted && last.text === '&';
    if (background) {
      args = args.slice(0, -1);
      if (targets.length > 0) return this.report(`a background command's result can't be assigned: drop '&' or the '='`, last.span);
    }
    return { kind: 'command', call: { ...call, args }, targets, background, span: targets[0]?.span ?? head.span };
  }

  private commandOf(word: Word): Omit<Call, 'args'> | null {
    if (word.kind !== 'literal' || word.quoted) return null;
    if (this.grammar.isCommand(word.text)) return { target: null, name: word.text, nameSpan: word.span };
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(word.text);
    if (m && this.grammar.isMethod(m[2]!)) {
      const targetSpan = { ...word.span, width: m[1]!.length };
      const nameSpan = { ...word.span, col: word.span.col + m[1]!.length + 1, width: m[2]!.length };
      return { target: { name: intern(m[1]!), span: targetSpan }, name: m[2]!, nameSpan };
    }
    return null;
  }

  /** A value (a $name, quoted text, bytes) followed by more words, as in `i = $i + 1`. */
  private valueWithMore(next: Word): null {
    if (next.kind === 'literal' && !next.quoted && ARITHMETIC.has(next.text)) {
      return this.report(`there is no arithmetic: a value stands alone (count passes with repeat N; len gives a length)`, next.span);
    }
    return this.report(
      `a value stands alone, so nothing can follow it; to join values into text, write one quoted word: "$a$b"`,
      next.span,
    );
  }

  /** Reports a word that should have been a command. `hintFirst`: the hint beats a spelling suggestion. */
  private unknown(word: Word, hint: string, hintFirst = false): null {
    if (word.kind !== 'literal' || word.quoted) {
      return this.report(`expected a command; a line can start with a command, a name = ..., or a lone $name`, word.span);
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.(.+)$/.exec(word.text);
    if (m && this.grammar.isCommand(m[2]!)) {
      return this.report(`${m[2]} is not a socket call; write it without '${m[1]}.'`, word.span);
    }
    const dotted = m ? this.grammar.suggest(m[2]!) : null;
    if (m && dotted && this.grammar.isMethod(dotted)) {
      return this.report(`'${m[1]}' has no method '${m[2]}'; did you mean ${m[1]}.${dotted}?`, word.span);
    }
    const foreign = foreignWord(word.text);
    if (foreign !== null) return this.report(`unknown command '${word.text}': ${foreign}`, word.span);
    const suggestion = hintFirst ? null : this.grammar.suggest(word.text);
    const tail = suggestion ? `; did you mean '${suggestion}'?` : `${hint || '; type help for the list'}`;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) {
      return this.report(`unknown command '${word.text}': put spaces around '=' to assign`, word.span);
    }
    return this.report(`unknown command '${word.text}'${tail}`, word.span);
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

function after(span: Span): Span {
  return { line: span.line, col: span.col + span.width, width: 1 };
}
