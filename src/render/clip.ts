import type { Value } from '../lang/values.js';

/**
 * How many bytes of a bytes result the prompt echoes. A `recv 200000` shown whole is thousands of
 * terminal lines of escapes; print, hexdump and recvfile are there for the whole of it.
 */
export const ECHOED_BYTES = 4096;

/** v with every bytes value (alone or in a tuple) cut to ECHOED_BYTES, and how many bytes were cut. */
export function clipForEcho(v: Value): { value: Value; hidden: number } {
  switch (v.kind) {
    case 'bytes':
      return v.value.length <= ECHOED_BYTES
        ? { value: v, hidden: 0 }
        : { value: { kind: 'bytes', value: v.value.subarray(0, ECHOED_BYTES) }, hidden: v.value.length - ECHOED_BYTES };
    case 'tuple': {
      let hidden = 0;
      const items = v.items.map((item) => {
        const c = clipForEcho(item);
        hidden += c.hidden;
        return c.value;
      });
      return hidden === 0 ? { value: v, hidden } : { value: { kind: 'tuple', items }, hidden };
    }
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'address':
    case 'socket':
      return { value: v, hidden: 0 };
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}
