import type { Word } from '../lang/ast.js';
import { bareLiteral, str, text, toBytes, bytes, type SocketDescriber, type Value } from '../lang/values.js';
import type { Scope } from '../commands/types.js';

/**
 * A word's value. Bare words are literals (12000 is an int); quoted words are text; $name keeps
 * the variable's type; a template is text, or bytes when it holds raw bytes (\xff, or a bytes variable).
 */
export function evaluate(word: Word, scope: Scope, describe: SocketDescriber): Value {
  switch (word.kind) {
    case 'literal':
      return word.quoted ? str(word.text) : bareLiteral(word.text);
    case 'var':
      return scope.get(word.name, word.span);
    case 'template': {
      const values = word.parts.map((p) => (p.kind === 'var' ? scope.get(p.name, p.span) : null));
      const binary = word.parts.some((p, i) => p.kind === 'byte' || values[i]?.kind === 'bytes');
      if (!binary) {
        return str(word.parts.map((p, i) => (p.kind === 'text' ? p.text : text(values[i]!, describe))).join(''));
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
      return bytes(Buffer.concat(pieces));
    }
    default: {
      const exhaustive: never = word;
      return exhaustive;
    }
  }
}
