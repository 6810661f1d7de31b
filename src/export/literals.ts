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
      return pyAddress(v.address.host, String(v.address.port)) ?? `(${pyString(v.address.host)}, ${v.address.port})`;
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

/**
 * An IPv6 address with its zone (`fe80::3%lo`, `fe80::3%1`) as Python needs it: the 4-tuple
 * (host, port, flowinfo, scope_id). Python ignores a zone in the host of a 2-tuple (the scope id it
 * sends with is the tuple's, 0), so the link-local peer would be no interface's. Null for any other
 * host, which the 2-tuple says as it is.
 */
export function pyAddress(host: string, portCode: string): string | null {
  const zoned = /^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)%([A-Za-z0-9_.-]+)$/.exec(host);
  if (zoned === null) return null;
  const zone = zoned[2]!;
  const scope = /^\d+$/.test(zone) ? zone : `if_nametoindex(${pyString(zone)})`;
  return `(${pyString(zoned[1]!)}, ${portCode}, 0, ${scope})`;
}
