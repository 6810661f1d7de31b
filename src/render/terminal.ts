/**
 * Text that is safe to write to a terminal: received bytes must never move the cursor, ring the
 * bell or rewrite the screen. Decodes UTF-8; invalid bytes and control characters (except newline
 * and tab) come out as Python-style escapes: \x1b, \r, \x00, \x9b.
 */
export function terminalSafe(data: Buffer): string {
  let out = '';
  let i = 0;
  while (i < data.length) {
    const b = data[i]!;
    if (b < 0x80) {
      out += b === 0x0a || b === 0x09 ? String.fromCharCode(b) : b < 0x20 || b === 0x7f ? escapeByte(b) : String.fromCharCode(b);
      i++;
      continue;
    }
    const length = sequenceLength(data, i);
    if (length === 0) {
      out += escapeByte(b);
      i++;
      continue;
    }
    const ch = data.toString('utf8', i, i + length);
    const code = ch.codePointAt(0)!;
    // C1 controls (U+0080–U+009F) include CSI; bidi overrides can disguise text.
    out +=
      code < 0xa0 || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)
        ? `\\u${code.toString(16).padStart(4, '0')}`
        : ch;
    i += length;
  }
  return out;
}

/** True when writing this text raw could not affect a terminal. */
export function isTerminalSafe(text: string): boolean {
  return !/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(text);
}

function escapeByte(b: number): string {
  if (b === 0x0d) return '\\r';
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** Length of a valid UTF-8 sequence at i (2–4), or 0 if the bytes there are not one. */
export function sequenceLength(data: Buffer, i: number): number {
  const b = data[i]!;
  const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > data.length) return 0;
  for (let k = 1; k < need; k++) if ((data[i + k]! & 0xc0) !== 0x80) return 0;
  const b1 = data[i + 1]!;
  if (b === 0xe0 && b1 < 0xa0) return 0; // overlong
  if (b === 0xed && b1 >= 0xa0) return 0; // surrogates
  if (b === 0xf0 && b1 < 0x90) return 0; // overlong
  if (b === 0xf4 && b1 >= 0x90) return 0; // above U+10FFFF
  return need;
}
