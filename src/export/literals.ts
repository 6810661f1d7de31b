import { repr, type Value } from '../lang/values.js';
import type { PyType } from '../spec/python.js';
import { sequenceLength } from '../render/terminal.js';

/** Python spellings of names and values, for the exporter. */

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** Shell names are Python identifiers, but a few are Python keywords: `from` becomes `from_`. */
export function pyName(name: string): string {
  return KEYWORDS.has(name) ? `${name}_` : name;
}

/** A Python string literal: Python's own repr of the text. */
export function pyString(text: string): string {
  return repr({ kind: 'str', value: text });
}

/**
 * The text Python's bytes.decode(errors='backslashreplace') gives: UTF-8 decoded, each byte that is
 * not part of a valid sequence as \xHH, which is also how the shell shows such bytes at a terminal.
 */
export function shownText(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length;) {
    const b = data[i]!;
    const length = b < 0x80 ? 1 : sequenceLength(data, i);
    out += length === 0 ? `\\x${b.toString(16).padStart(2, '0')}` : data.toString('utf8', i, i + length);
    i += Math.max(length, 1);
  }
  return out;
}

export function literal(v: Value): string {
  switch (v.kind) {
    case 'int':
    case 'float':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'str':
      return pyString(v.value);
    case 'bytes':
      return repr(v); // b'...' with \xHH escapes: valid Python for any byte
    case 'address':
      return `(${pyString(v.address.host)}, ${v.address.port})`;
    case 'socket':
    case 'tuple':
      return 'None';
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}

export function literalType(v: Value): PyType {
  switch (v.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'none':
    case 'str':
    case 'bytes':
    case 'address':
    case 'socket':
      return v.kind;
    case 'tuple':
      return 'unknown';
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}
