import { NONE, toBytes } from '../lang/values.js';
import { lines } from '../spec/python.js';
import { defineCommand } from '../spec/command.js';

/**
 * `write`: bytes to stdout exactly, for a recv loop that copies a stream (print adds a space between
 * values and a newline after them, which alters it). In a script or a pipe the bytes go out raw; at a
 * terminal they are shown as print's are, control bytes escaped.
 */
export const writeCommand = defineCommand({
  name: 'write',
  group: 'value',
  usage: 'write VALUE ...',
  forms: [[{ name: 'VALUE', kind: 'value', rest: true }]],
  summary: 'Write the values to stdout exactly: bytes as they are, text as UTF-8, nothing between or after them',
  python: { code: 'sys.stdout.buffer.write(data)' },
  example: 'write $chunk',
  toPython: (py) => {
    py.need('sys');
    const parts = Array.from({ length: py.count }, (_, i) => py.bytes(i));
    // print's text is buffered apart from the bytes: flush it first, so both come out in order.
    return lines('sys.stdout.flush()', `sys.stdout.buffer.write(${parts.join(' + ') || "b''"})`);
  },
  run(ctx) {
    ctx.print(Buffer.concat(ctx.a.VALUE.map((v) => toBytes(v, ctx.session.describe))));
    return NONE;
  },
});
