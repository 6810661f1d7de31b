import type { Selector, Span, Word } from '../lang/ast.js';
import { select, selectorText } from '../lang/select.js';
import { ShellError } from '../core/errors.js';
import { bareLiteral, bytes, repr, str, text, toBytes, type SocketDescriber, type Value } from '../lang/values.js';
import type { Scope } from '../spec/command.js';
import { tooLarge } from '../lang/limits.js';

/** Runs `(NAME ARGS)`: a value command, at once (check.ts lets no other stand in a word). */
export type Inline = (call: Extract<Word, { kind: 'call' }>) => Value;

/** A literal word always means the same value (values are immutable), so it is worked out once per word. */
const LITERALS = new WeakMap<Word, Value>();

/**
 * A word's value. Bare words are literals (12000 is an int); quoted words are text; $name keeps
 * the variable's type; a template is text, or bytes when it holds raw bytes (\xff, or a bytes variable).
 */
export function evaluate(word: Word, scope: Scope, describe: SocketDescriber, inline: Inline): Value {
  switch (word.kind) {
    case 'literal': {
      let value = LITERALS.get(word);
      if (value === undefined) LITERALS.set(word, (value = word.quoted ? str(word.text) : bareLiteral(word.text)));
      return value;
    }
    case 'var':
      return read(word, scope);
    case 'bytes':
      return bytes(word.value);
    case 'call':
      return inline(word);
    case 'template': {
      const values = word.parts.map((p) => (p.kind === 'var' ? read(p, scope) : null));
      const binary = word.parts.some((p, i) => p.kind === 'byte' || values[i]?.kind === 'bytes');
      if (!binary) {
        const texts = word.parts.map((p, i) => (p.kind === 'text' ? p.text : text(values[i]!, describe)));
        checkSize(texts, word.span);
        return str(texts.join(''));
      }
      const pieces = word.parts.map((p, i) => {
        switch (p.kind) {
          case 'text':
            return Buffer.from(p.text, 'utf8');
          case 'byte':
            return Buffer.of(p.value);
          case 'var':
            return toBytes(values[i]!, describe);
          default: {
            const exhaustive: never = p;
            return exhaustive;
          }
        }
      });
      checkSize(pieces, word.span);
      return bytes(Buffer.concat(pieces));
    }
    default: {
      const exhaustive: never = word;
      return exhaustive;
    }
  }
}

/** A template's pieces must make a value within the limit: checked before they are joined, which would throw. */
function checkSize(pieces: readonly { readonly length: number }[], span: Span): void {
  let size = 0;
  for (const p of pieces) size += p.length;
  const problem = tooLarge(size, 'this text');
  if (problem !== null) throw new ShellError(problem, span);
}

/** $name, or $name with indexes and slices ($m[0][2:4]), by Python's rules (lang/select.ts). */
function read(ref: { name: string; path?: readonly Selector[]; span: Span }, scope: Scope): Value {
  let value = scope.get(ref.name, ref.span);
  if (ref.path === undefined) return value;
  let written = `$${ref.name}`;
  for (const s of ref.path) {
    const picked = select(value, s);
    if (typeof picked === 'string') throw new ShellError(`${written} is ${clipRepr(value)}, which ${picked}`, s.span);
    written += selectorText(s);
    value = picked;
  }
  return value;
}

/** A value in an error message: long bytes would bury the message, so at most 60 characters of it. */
function clipRepr(value: Value): string {
  const shown = repr(value);
  return shown.length <= 60 ? shown : `${shown.slice(0, 56)}…${shown.slice(-3)}`;
}
