import { lexLine } from './lexer.js';

/** The words that open a block when they start a line; `end` closes one. As the parser reads them. */
const OPENERS: ReadonlySet<string> = new Set(['while', 'repeat', 'if']);

/**
 * Counts the blocks left open by lines fed one at a time, each lexed once, so a reader of piped
 * input knows when a block is whole without parsing it again on every line (re-parsing the open
 * block per line made a 10,000-line block quadratic: minutes). It counts as the parser does: a line
 * with a lexing error or no words counts for nothing, a line starting with while, repeat or if opens a
 * block whatever its header, `end` closes the innermost one, and an `end` with none open is an error
 * for the parser, not a change here. test/open-blocks.test.ts holds it to the parser's `incomplete`.
 */
export class OpenBlocks {
  private depth = 0;

  /** Feeds the next line; returns how many blocks are open after it. */
  feed(text: string, line: number): number {
    // compile() drops a byte order mark at the start of the first line; so must we, or `\uFEFFwhile` is a word.
    const source = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const { words, error } = lexLine(source, line);
    const first = words[0];
    if (error !== null || first === undefined || first.kind !== 'literal' || first.quoted) return this.depth;
    if (OPENERS.has(first.text)) this.depth++;
    else if (first.text === 'end' && this.depth > 0) this.depth--;
    return this.depth;
  }

  /** Forgets the open blocks: the lines fed so far were handled. */
  reset(): void {
    this.depth = 0;
  }
}
