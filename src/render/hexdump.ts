/** Bytes as `offset  hex (16 per line, split in two groups)  |ascii|`, the way hexdump -C shows them. */
export function hexdump(data: Buffer): string {
  if (data.length === 0) return '(0 bytes)';
  const lines = hexRows(data, 0);
  lines.push(`${data.length.toString(16).padStart(8, '0')}  (${data.length} bytes)`);
  return lines.join('\n');
}

/** The rows of hexdump without its total line; offsets count from `start` (where data sits in a longer stream). */
export function hexRows(data: Buffer, start: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < data.length; at += 16) {
    const row = data.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ').padEnd(23);
    const right = hex.slice(8).join(' ').padEnd(23);
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(start + at).toString(16).padStart(8, '0')}  ${left}  ${right}  |${ascii}|`);
  }
  return lines;
}
