import { bytes, int, repr, tuple, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { expr } from '../spec/python.js';
import { defineCommand, type Arg, type CommandDef } from '../spec/command.js';

/**
 * Integers to and from bytes, as Python's struct module does them: the header fields of a binary
 * protocol (a DNS ID, a length prefix). The format is Python's, with its letters, and must start
 * with its byte order: > or ! (big-endian, network order) or < (little-endian). Sizes are the
 * standard ones (b B 1, h H 2, i I l L 4, q Q 8, f 4, d 8, ? 1); `4s` is 4 bytes, `x` a pad byte,
 * and a count repeats a letter (`3H`). Python's native order and alignment (@, =, no prefix) are
 * left out: a wire format is never the host's.
 */

interface Field {
  readonly letter: string;
  /** Bytes it takes. */
  readonly size: number;
}

interface Format {
  readonly little: boolean;
  readonly fields: readonly Field[];
  readonly size: number;
}

const SIZES: Readonly<Record<string, number>> = { b: 1, B: 1, '?': 1, h: 2, H: 2, i: 4, I: 4, l: 4, L: 4, q: 8, Q: 8, f: 4, d: 8 };

/** FORMAT parsed, or the error for it. */
function format(arg: Arg): Format {
  const v = arg.value;
  const text = v.kind === 'str' ? v.value : null;
  const m = text === null ? null : /^([<>!])((?:\d*[bBhHiIlLqQfd?sx])+)$/.exec(text);
  if (text === null || m === null) {
    const order = text !== null && /^[@=]?(\d*[bBhHiIlLqQfd?sx])+$/.test(text);
    throw new ShellError(
      order
        ? `start the format with its byte order: > (big-endian, network order, as in >${text.replace(/^[@=]/, '')}) or < (little-endian)`
        : `expected a struct format such as >HH (two big-endian 16-bit integers), got ${repr(v)}`,
      arg.span,
    );
  }
  const fields: Field[] = [];
  let size = 0;
  for (const [, count, letter] of m[2]!.matchAll(/(\d*)([bBhHiIlLqQfd?sx])/g)) {
    const n = count === '' ? 1 : Number(count);
    if (letter === 's') fields.push({ letter, size: n });
    else for (let i = 0; i < n; i++) fields.push({ letter: letter!, size: letter === 'x' ? 1 : SIZES[letter!]! });
    size += letter === 's' || letter === 'x' ? n : n * SIZES[letter!]!;
  }
  return { little: m[1] === '<', fields, size };
}

/** The fields that take or give a value (pad bytes do not). */
const valued = (f: Format) => f.fields.filter((x) => x.letter !== 'x');

function read(data: Buffer, at: number, field: Field, little: boolean, span: Arg['span']): Value {
  const { letter, size } = field;
  switch (letter) {
    case 's':
      return bytes(data.subarray(at, at + size));
    case '?':
      return { kind: 'bool', value: data[at] !== 0 };
    case 'f':
      return { kind: 'float', value: little ? data.readFloatLE(at) : data.readFloatBE(at) };
    case 'd':
      return { kind: 'float', value: little ? data.readDoubleLE(at) : data.readDoubleBE(at) };
    case 'q':
    case 'Q': {
      const big =
        letter === 'q'
          ? little
            ? data.readBigInt64LE(at)
            : data.readBigInt64BE(at)
          : little
            ? data.readBigUInt64LE(at)
            : data.readBigUInt64BE(at);
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ShellError(`the ${letter} field is ${big}, past the shell's exact integers (2**53)`, span);
      }
      return int(Number(big));
    }
    default: {
      const signed = letter === letter.toLowerCase();
      const n = signed
        ? little
          ? data.readIntLE(at, size)
          : data.readIntBE(at, size)
        : little
          ? data.readUIntLE(at, size)
          : data.readUIntBE(at, size);
      return int(n);
    }
  }
}

function write(out: Buffer, at: number, field: Field, little: boolean, arg: Arg): void {
  const { letter, size } = field;
  const v = arg.value;
  if (letter === 's') {
    if (v.kind !== 'bytes' && v.kind !== 'str') throw new ShellError(`'s' packs bytes or text, got ${repr(v)}`, arg.span);
    (v.kind === 'bytes' ? v.value : Buffer.from(v.value, 'utf8')).copy(out, at, 0, size); // cut or padded with zeros, as Python
    return;
  }
  if (letter === 'f' || letter === 'd') {
    if (v.kind !== 'int' && v.kind !== 'float') throw new ShellError(`'${letter}' packs a number, got ${repr(v)}`, arg.span);
    if (letter === 'f') {
      if (little) out.writeFloatLE(v.value, at);
      else out.writeFloatBE(v.value, at);
    } else if (little) out.writeDoubleLE(v.value, at);
    else out.writeDoubleBE(v.value, at);
    return;
  }
  const n = v.kind === 'int' ? v.value : v.kind === 'bool' ? Number(v.value) : null;
  if (n === null) throw new ShellError(`'${letter}' packs an integer, got ${repr(v)}`, arg.span);
  if (letter === '?') {
    out[at] = n === 0 ? 0 : 1;
    return;
  }
  const signed = letter === letter.toLowerCase();
  const bits = BigInt(size * 8);
  const [low, high] = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  if (BigInt(n) < low || BigInt(n) > high) {
    throw new ShellError(`'${letter}' format requires ${low} <= number <= ${high}, got ${n} (Python: struct.error)`, arg.span);
  }
  if (size === 8) {
    const big = BigInt(n);
    if (signed && little) out.writeBigInt64LE(big, at);
    else if (signed) out.writeBigInt64BE(big, at);
    else if (little) out.writeBigUInt64LE(big, at);
    else out.writeBigUInt64BE(big, at);
  } else if (signed && little) out.writeIntLE(n, at, size);
  else if (signed) out.writeIntBE(n, at, size);
  else if (little) out.writeUIntLE(n, at, size);
  else out.writeUIntBE(n, at, size);
}

export const structCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'int',
    group: 'value',
    inline: true,
    usage: 'int VALUE',
    forms: [[{ name: 'VALUE', kind: 'value' }]],
    summary: "A number written as decimal digits in text or bytes (b'42' is 42), as Python's int()",
    python: { code: 'n = int(head[1:])' },
    example: 'n = int $head[1:]',
    toPython: (py) => expr(`int(${py.arg(0)})`, 'int'),
    run(ctx) {
      const arg = ctx.args[0]!;
      const v = arg.value;
      if (v.kind === 'int') return v;
      if (v.kind === 'float') return int(Math.trunc(v.value));
      if (v.kind === 'bool') return int(Number(v.value));
      const text = v.kind === 'bytes' ? v.value.toString('latin1') : v.kind === 'str' ? v.value : null;
      const m = text === null ? null : /^\s*([-+]?\d+(?:_\d+)*)\s*$/.exec(text);
      const n = m === null ? NaN : Number(m[1]!.replace(/_/g, ''));
      if (!Number.isSafeInteger(n)) {
        throw new ShellError(
          `int reads decimal digits, got ${repr(v)}${text !== null && m !== null ? " (past the shell's exact integers)" : ''}`,
          arg.span,
        );
      }
      return int(n);
    },
  }),
  defineCommand({
    name: 'unpack',
    group: 'value',
    inline: true,
    usage: 'unpack FORMAT DATA',
    forms: [
      [
        { name: 'FORMAT', kind: 'value' },
        { name: 'DATA', kind: 'value' },
      ],
    ],
    summary: 'Integers (and other fields) from bytes, by a struct FORMAT: one value for one field, a tuple for more',
    python: { code: "ident, flags = struct.unpack('>HH', reply[0:4])" },
    example: 'ident, flags = unpack >HH $reply[0:4]',
    toPython: (py) => {
      py.need('struct');
      const letters = typesOf(py.arg(0));
      const call = `struct.unpack(${py.arg(0)}, ${py.arg(1)})`;
      return letters.length === 1 ? expr(`${call}[0]`, letters[0]!) : expr(call, ...letters);
    },
    run(ctx) {
      const [fmtArg, dataArg] = ctx.args as [Arg, Arg];
      const f = format(fmtArg);
      const data = dataArg.value;
      if (data.kind !== 'bytes') throw new ShellError(`unpack reads bytes, got ${repr(data)}`, dataArg.span);
      if (data.value.length !== f.size) {
        const fix = data.value.length > f.size ? `; take the ${f.size} you mean with a slice, as in $x[0:${f.size}]` : '';
        throw new ShellError(
          `unpack ${fmtArg.word.kind === 'literal' ? fmtArg.word.text : 'FORMAT'} needs ${f.size} bytes, got ${data.value.length}${fix}`,
          dataArg.span,
        );
      }
      const values: Value[] = [];
      let at = 0;
      for (const field of f.fields) {
        if (field.letter !== 'x') values.push(read(data.value, at, field, f.little, dataArg.span));
        at += field.size;
      }
      return values.length === 1 ? values[0]! : tuple(...values);
    },
  }),
  defineCommand({
    name: 'pack',
    group: 'value',
    inline: true,
    usage: 'pack FORMAT VALUE ...',
    forms: [
      [
        { name: 'FORMAT', kind: 'value' },
        { name: 'VALUE', kind: 'value', rest: true },
      ],
    ],
    summary: 'Bytes from integers (and other fields), by a struct FORMAT: pack >HH 4660 256 is x"12340100"',
    python: { code: "header = struct.pack('>HH', ident, flags)" },
    example: 'prefix = pack >I (len $body)',
    toPython: (py) => {
      py.need('struct');
      const letters = typesOf(py.arg(0));
      const values = Array.from({ length: py.count - 1 }, (_, i) => (letters[i] === 'bytes' ? py.bytes(i + 1) : py.arg(i + 1)));
      return expr(`struct.pack(${[py.arg(0), ...values].join(', ')})`, 'bytes');
    },
    run(ctx) {
      const [fmtArg, ...args] = ctx.args as [Arg, ...Arg[]];
      const f = format(fmtArg);
      const fields = valued(f);
      if (args.length !== fields.length) {
        const at = args[fields.length]?.span ?? ctx.args[ctx.args.length - 1]!.span;
        throw new ShellError(`this format packs ${fields.length} value${fields.length === 1 ? '' : 's'}, got ${args.length}`, at);
      }
      const out = Buffer.alloc(f.size);
      let at = 0;
      let i = 0;
      for (const field of f.fields) {
        if (field.letter !== 'x') write(out, at, field, f.little, args[i++]!);
        at += field.size;
      }
      return bytes(out);
    },
  }),
];

/** The Python types a format's fields give, from its Python literal ('>HH'); unknown when it is not written out. */
function typesOf(literal: string): ('int' | 'float' | 'bool' | 'bytes' | 'unknown')[] {
  const m = /^'[<>!]((?:\d*[bBhHiIlLqQfd?sx])+)'$/.exec(literal);
  if (m === null) return ['unknown', 'unknown'];
  const out: ('int' | 'float' | 'bool' | 'bytes')[] = [];
  for (const [, count, letter] of m[1]!.matchAll(/(\d*)([bBhHiIlLqQfd?sx])/g)) {
    const type =
      letter === 's' ? 'bytes' : letter === 'f' || letter === 'd' ? 'float' : letter === '?' ? 'bool' : letter === 'x' ? null : 'int';
    if (type === null) continue;
    const n = letter === 's' || count === '' ? 1 : Number(count);
    for (let i = 0; i < n; i++) out.push(type);
  }
  return out;
}
