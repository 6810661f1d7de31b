import { clipForEcho } from '../render/clip.js';
import type { Word } from '../lang/ast.js';
import { repr, type Value } from '../lang/values.js';
import type { Output } from '../core/output.js';

/**
 * A result as the REPL shows it: Python's repr, with bytes in hex after `display hex`, and long
 * bytes cut short with a line saying how to see them whole.
 */
export function echoOutputs(v: Value, from: Word | null, describe: Parameters<typeof repr>[1], hex: boolean): Output[] {
  const { value, hidden, path } = clipForEcho(v);
  const text = repr(value, describe, hex);
  if (hidden === 0) return [{ kind: 'value', text }];
  const ref = wholeRef(from, path);
  const how = ref === null ? 'assign it to a name, then print or hexdump that' : `print ${ref} shows them all, hexdump ${ref} as hex`;
  return [
    { kind: 'value', text: `${text} …` },
    { kind: 'info', text: `${hidden} more bytes not shown: ${how}` },
  ];
}

/**
 * How to write the bytes an echo cut short (at path inside the value) so print shows them whole:
 * $_ for a command's result, the $name that was shown, with one [i] where the value was a tuple.
 * Null when no single $name[i] reaches them.
 */
function wholeRef(shown: Word | null, path: readonly number[]): string | null {
  const base = shown === null ? { name: '_', path: undefined } : shown.kind === 'var' ? shown : null;
  if (base === null) return null;
  const written = base.path ?? [];
  if (written.some((s) => s.kind !== 'index')) return null;
  const indices = [...written.map((s) => (s.kind === 'index' ? s.index : 0)), ...path];
  if (indices.length > 1) return null;
  return `$${base.name}${indices.length === 1 ? `[${indices[0]}]` : ''}`;
}
