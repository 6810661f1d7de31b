import type { CompareOp, Cond, MatchOp, Span, Word } from './ast.js';
import { after } from '../core/span.js';

/**
 * Conditions of `while` and `if`, from the words after the keyword. Python's grammar, small: a value
 * (its truthiness), `A OP B` with OP one of == != < <= > >= startswith endswith in `not in` matches,
 * joined by `not`, `and` and `or` with Python's precedence (not, then and, then or). No parentheses:
 * every condition a line needs can be written without them, and the export writes the same words.
 * Pure; an error is a message and the span of the word at fault.
 */
export function parseCondition(
  words: readonly Word[],
  after: Span,
  source: (w: Word) => string,
): { cond: Cond } | { message: string; span: Span } {
  try {
    const p = new CondParser(words, after, source);
    const cond = p.or();
    p.end();
    return { cond };
  } catch (e) {
    if (e instanceof CondError) return { message: e.message, span: e.span };
    throw e;
  }
}

/** Every word a condition reads, left to right. */
export function condWords(c: Cond): Word[] {
  switch (c.kind) {
    case 'truthy':
      return [c.word];
    case 'compare':
    case 'match':
      return [c.left, c.right];
    case 'not':
      return condWords(c.cond);
    case 'and':
    case 'or':
      return [...condWords(c.left), ...condWords(c.right)];
    default: {
      const exhaustive: never = c;
      return exhaustive;
    }
  }
}

const COMPARE: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const MATCH: ReadonlySet<string> = new Set(['startswith', 'endswith', 'in', 'matches']);
const OPERATORS = '==, !=, <, <=, >, >=, startswith, endswith, in, not in or matches';

/** Python spellings that slip into a condition, and how sockshell writes them. */
const SLIPS: Readonly<Record<string, string>> = {
  '&&': "write and: sockshell's conditions are Python's",
  '||': "write or: sockshell's conditions are Python's",
  '!': 'write not before the value',
  '=': 'write == to compare (= assigns)',
  is: 'write == (or !=): values compare by what they hold, as Python compares b"" == data',
  '===': 'write ==',
  '!==': 'write !=',
};

class CondError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

class CondParser {
  private i = 0;

  constructor(
    private readonly words: readonly Word[],
    private readonly after: Span,
    private readonly source: (w: Word) => string,
  ) {}

  or(): Cond {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  end(): void {
    const w = this.words[this.i];
    if (w === undefined) return;
    const slip = this.slip(w);
    throw new CondError(slip ?? `expected ${OPERATORS} between two values, or and / or between conditions`, w.span);
  }

  private and(): Cond {
    let left = this.not();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.not() };
    return left;
  }

  private not(): Cond {
    if (this.keyword('not')) return { kind: 'not', cond: this.not() };
    return this.atom();
  }

  private atom(): Cond {
    const left = this.value();
    const op = this.words[this.i];
    const text = op !== undefined && op.kind === 'literal' && !op.quoted ? op.text : null;
    if (text === null) return { kind: 'truthy', word: left };
    if (COMPARE.has(text)) {
      this.i++;
      return { kind: 'compare', op: text as CompareOp, left, right: this.value(text) };
    }
    if (MATCH.has(text)) {
      this.i++;
      return { kind: 'match', op: text as MatchOp, left, right: this.value(text), opSpan: op!.span };
    }
    const next = this.words[this.i + 1];
    if (text === 'not' && next?.kind === 'literal' && !next.quoted && next.text === 'in') {
      this.i += 2;
      return { kind: 'match', op: 'not in', left, right: this.value('not in'), opSpan: op!.span };
    }
    return { kind: 'truthy', word: left };
  }

  /** The next word as a value; `what` is what it follows, for the message when there is none. */
  private value(what?: string): Word {
    const w = this.words[this.i];
    const before = this.words[this.i - 1];
    if (w === undefined) {
      const span = before ? after(before.span) : this.after;
      throw new CondError(
        what === undefined
          ? before === undefined
            ? 'expected a condition: a value (true, $data) or a comparison ($x == 5)'
            : `expected a value after '${this.source(before)}'`
          : `expected a value after '${what}'`,
        span,
      );
    }
    const slip = this.slip(w);
    if (slip !== null) throw new CondError(slip, w.span);
    if (w.kind === 'literal' && !w.quoted && (w.text === 'and' || w.text === 'or')) {
      throw new CondError(`expected a value before '${w.text}'`, w.span);
    }
    this.i++;
    return w;
  }

  private keyword(word: 'and' | 'or' | 'not'): boolean {
    const w = this.words[this.i];
    if (w?.kind !== 'literal' || w.quoted || w.text !== word) return false;
    this.i++;
    return true;
  }

  /** The sockshell way for a Python (or C) spelling in this word, or null. */
  private slip(w: Word): string | null {
    const text = this.source(w); // as typed: a quoted "&&" is text, not a slip
    if (Object.hasOwn(SLIPS, text)) return SLIPS[text]!;
    if (/^![$\w]/.test(text)) return `write not ${text.slice(1)}`;
    const method = /^(\$?\w+(?:\[[^\]]*\])*)\.(startswith|endswith)\((.*)\)$/.exec(text);
    if (method) return `write ${method[1]} ${method[2]} ${method[3]}: methods are operators here`;
    const re = /^re\.(?:match|search|fullmatch)\(/.exec(text);
    if (re) return 'write VALUE matches PATTERN (a search, as re.search; anchor it with ^)';
    if (/^len\(/.test(text)) return 'write (len $x) for a length inside a condition';
    return null;
  }
}
