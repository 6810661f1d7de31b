import type { Value } from '../lang/values.js';

/**
 * How many bytes of a bytes result the prompt echoes. A `recv 200000` shown whole is thousands of
 * terminal lines of escapes; print, hexdump and recvfile are there for the whole of it.
 */
export const ECHOED_BYTES = 4096;

export interface Clipped {
  readonly value: Value;
  /** Bytes left out, in all. */
  readonly hidden: number;
  /** Where the first cut bytes are: [] for v itself, [i] for item i of a tuple, and so on. */
  readonly path: readonly number[];
}

/** v with every bytes value (alone or in a tuple) cut to ECHOED_BYTES, and how many bytes were cut. */
export function clipForEcho(v: Value): Clipped {
  switch (v.kind) {
    case 'bytes':
      return v.value.length <= ECHOED_BYTES
        ? { value: v, hidden: 0, path: [] }
        : { value: { kind: 'bytes', value: v.value.subarray(0, ECHOED_BYTES) }, hidden: v.value.length - ECHOED_BYTES, path: [] };
    case 'tuple': {
      let hidden = 0;
      let path: readonly number[] = [];
      const items = v.items.map((item, i) => {
        const c = clipForEcho(item);
        if (hidden === 0 && c.hidden > 0) path = [i, ...c.path];
        hidden += c.hidden;
        return c.value;
      });
      return hidden === 0 ? { value: v, hidden, path: [] } : { value: { kind: 'tuple', items }, hidden, path };
    }
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'address':
    case 'socket':
      return { value: v, hidden: 0, path: [] };
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}
