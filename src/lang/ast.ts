/**
 * The syntax tree of the sockshell language. Every node carries the span of its first character;
 * lines and columns are 1-based, as editors and `file:line:col` messages count them.
 */

import type { Span } from '../core/span.js';

export type { Span };

/** A piece of a double-quoted string or of a bare word with `$` inside. */
export type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'byte'; readonly value: number } // \xHH with HH >= 0x80: the string becomes bytes
  | { readonly kind: 'var'; readonly name: string; readonly path?: readonly Selector[]; readonly span: Span };

/**
 * `[i]` or `[start:stop:step]` after a `$name`, with Python's rules (lang/select.ts). Each has the
 * span of its brackets, so an index out of range points at the one at fault.
 */
export type Selector =
  | { readonly kind: 'index'; readonly index: number; readonly span: Span }
  | {
      readonly kind: 'slice';
      readonly start: number | null;
      readonly stop: number | null;
      readonly step: number | null;
      readonly span: Span;
    };

/** One word of a command line. */
export type Word =
  /** Text with no interpolation. `quoted` words are never numbers, options or operators. */
  | { readonly kind: 'literal'; readonly text: string; readonly quoted: boolean; readonly span: Span }
  /**
   * Exactly `$name` or `${name}`, optionally indexed and sliced as in Python (`$addr[1]` is the port,
   * `$m[0][2:4]` two bytes of a reply): keeps the value's type (bytes stay bytes, addresses stay addresses).
   */
  | { readonly kind: 'var'; readonly name: string; readonly path?: readonly Selector[]; readonly span: Span }
  /**
   * A string built from parts: "Hello $name", foo$bar, or a string with raw bytes in it. `quoted`
   * when any of it was in quotes: then it is text as typed, never a Python habit to point out.
   */
  | { readonly kind: 'template'; readonly parts: readonly Part[]; readonly quoted?: true; readonly span: Span }
  /** Bytes written out: x"48454c4c4f" (hex) or b'HELLO' / b"\x00\xff" (as Python writes bytes). */
  | { readonly kind: 'bytes'; readonly value: Buffer; readonly span: Span }
  /**
   * `(len $x)`: a value command's result as one word, as Python writes len(x) inside a call. Only
   * commands marked `inline` in the table may stand here (check.ts says so of the others).
   */
  | { readonly kind: 'call'; readonly name: string; readonly nameSpan: Span; readonly args: readonly Word[]; readonly span: Span };

export interface Target {
  readonly name: string;
  readonly span: Span;
}

/** `NAME.call ARGS` has a target; `call ARGS` acts on the current socket or is a built-in. */
export interface Call {
  readonly target: Target | null;
  readonly name: string;
  readonly nameSpan: Span;
  readonly args: readonly Word[];
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Tests of text, bytes and tuples: prefix, suffix, substring or item (`in`, `not in`), and a regular expression search. */
export type MatchOp = 'startswith' | 'endswith' | 'in' | 'not in' | 'matches';

/** A condition of while and if: Python's, with `not` above `and` above `or`, and no parentheses. */
export type Cond =
  | { readonly kind: 'truthy'; readonly word: Word }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Word; readonly right: Word }
  | { readonly kind: 'match'; readonly op: MatchOp; readonly left: Word; readonly right: Word; readonly opSpan: Span }
  | { readonly kind: 'not'; readonly cond: Cond }
  | { readonly kind: 'and' | 'or'; readonly left: Cond; readonly right: Cond };

export type Stmt =
  /** A command, optionally assigned (`a, b = accept`) and optionally run in the background (`... &`). */
  | {
      readonly kind: 'command';
      readonly call: Call;
      readonly targets: readonly Target[];
      readonly background: boolean;
      readonly span: Span;
    }
  /** `name = VALUE`, or `a, b = $pair`. */
  | { readonly kind: 'assign'; readonly targets: readonly Target[]; readonly value: Word; readonly span: Span }
  /** A bare `$name` line: the REPL shows the value, as Python's does. */
  | { readonly kind: 'show'; readonly word: Word; readonly span: Span }
  | { readonly kind: 'while'; readonly cond: Cond; readonly body: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'repeat'; readonly count: Word; readonly body: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'if'; readonly cond: Cond; readonly then: readonly Stmt[]; readonly otherwise: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'break'; readonly span: Span }
  | { readonly kind: 'continue'; readonly span: Span };

export interface Diagnostic {
  readonly message: string;
  readonly span: Span;
  /**
   * The word, when a line began with one that is no command (`m`): the parser cannot know a
   * variable of that name is set; a caller that knows the variables can say `$m` (unknownVariable).
   */
  readonly unknown?: string;
  /**
   * The word, when an argument written as a bare word was refused (`bind '' serverPort`): the checker
   * cannot know a variable of that name is set; a caller that knows can say `$serverPort` (unknownVariable).
   */
  readonly bare?: string;
  /**
   * The block a chunk left open (its 'end' never came): a reader that stops reading at another error
   * (the REPL) says the block is dropped rather than that it lacks an 'end'.
   */
  readonly unclosed?: BlockKind;
}

/** The statements that open a block, up to its `end`. */
export type BlockKind = 'while' | 'repeat' | 'if';
