/**
 * One line's statement, when it is not a block keyword's: an assignment, a command call, or a lone
 * value. Pure: the words of one lexed line in, a statement or null and the line's diagnostics out.
 */
import type { Call, Diagnostic, Span, Stmt, Target, Word } from './ast.js';
import { commandLikeText } from './command-like.js';
import type { Grammar } from './grammar.js';
import { intern } from './intern.js';
import { isName } from './lexer.js';
import { foreignMethod, foreignWord } from './foreign-words.js';
import { pythonAssignedText, pythonCallLine } from './python-habits.js';
import { after } from '../core/span.js';
import { assignmentTargets } from './targets.js';

/** Operators someone might try after a value: the language has none of them. */
const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '//', '**', '+=', '-=']);

/** `words` are one line's, all of it (`line` is its text, for spans that quote what was typed). */
export function lineStatement(words: readonly Word[], line: string, grammar: Grammar): { stmt: Stmt | null; diagnostics: Diagnostic[] } {
  const parser = new LineParser(line, grammar);
  const stmt = parser.simple(words);
  return { stmt, diagnostics: parser.diagnostics };
}

class LineParser {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly line: string,
    private readonly grammar: Grammar,
  ) {}

  /**
   * An assignment, a command or a lone value. A line that reads as Python (`us.recvfrom(2048)`) gets
   * the sockshell spelling in place of its error. So does one that would parse only as unquoted text
   * that is a Python call (`x = clientSocket.recv(1024)` would be the text 'clientSocket.recv(1024)'):
   * the text stays one pair of quotes away. Other lines are left alone.
   */
  simple(words: readonly Word[]): Stmt | null {
    const stmt = this.plain(words);
    const eq = words.findIndex((w) => w.kind === 'literal' && !w.quoted && w.text === '=');
    const head = words[eq + 1] ?? words[0]!;
    if (stmt !== null) {
      if (stmt.kind !== 'assign' || stmt.value.kind === 'var' || stmt.value.kind === 'bytes') return stmt;
      const { span } = stmt.value;
      const written = this.line.slice(span.col - 1, span.col - 1 + span.width);
      const python = pythonAssignedText(this.line, this.grammar, stmt.targets, written);
      const command = stmt.value.kind === 'literal' && !stmt.value.quoted ? commandLikeText(written, this.grammar, stmt.targets) : null;
      // The statement stays (the diagnostic stops the program running): its names count as assigned, so a
      // later $name gets no second error for the same mistake.
      if (python !== null || command !== null) this.report(python ?? command!, span);
      return stmt;
    }
    if (this.diagnostics.length === 0) return null;
    const python = pythonCallLine(this.line, this.grammar);
    if (python !== null) this.diagnostics.splice(0, this.diagnostics.length, { message: python, span: head.span });
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
    const grouped = rhs.length === 1 ? this.grouped(rhs[0]!) : null;
    if (grouped !== null) return this.command(grouped, targets);
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

  /**
   * `host, port = (u.getsockname)`: parentheses around the whole right side group nothing, as in
   * Python, where `(s.getsockname())` is `s.getsockname()`. The call is on a line of its own, which is
   * all the rule against socket calls in parentheses asks (inside an argument they would wait in the
   * middle of another call), so it runs as if written without them. The words of that call, or null.
   */
  private grouped(word: Word): readonly Word[] | null {
    if (word.kind !== 'call') return null;
    const head: Word = { kind: 'literal', text: word.name, quoted: false, span: word.nameSpan };
    return this.commandOf(head) ? [head, ...word.args] : null;
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
    const method = m ? foreignMethod(m[2]!) : null;
    if (m && method !== null) return this.report(`'${m[1]}' has no method '${m[2]}': ${method}`, word.span);
    const foreign = foreignWord(word.text);
    if (foreign !== null) return this.report(`unknown command '${word.text}': ${foreign}`, word.span);
    const suggestion = hintFirst ? null : this.grammar.suggest(word.text);
    const tail = suggestion ? `; did you mean '${suggestion}'?` : `${hint || '; type help for the list'}`;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) {
      return this.report(`unknown command '${word.text}': put spaces around '=' to assign`, word.span);
    }
    return this.report(`unknown command '${word.text}'${tail}`, word.span, isName(word.text) ? word.text : undefined);
  }

  private report(message: string, span: Span, unknown?: string): null {
    this.diagnostics.push(unknown === undefined ? { message, span } : { message, span, unknown });
    return null;
  }
}
