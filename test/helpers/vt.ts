/**
 * The screen a terminal shows for what a program wrote: rows of text after the cursor moves and
 * erases that readline and the shell use (CR, LF, backspace, CSI A B C D G J K; SGR and modes are
 * ignored). Enough to read a terminal test the way a person reads the terminal, not a full VT100.
 */
export function render(output: string, columns = 80): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = (): string[] => (rows[row] ??= []);
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b' && output[i + 1] === '[') {
      const m = /^\x1b\[([?\d;]*)([A-Za-z])/.exec(output.slice(i));
      if (m === null) continue;
      i += m[0].length - 1;
      const n = m[1] === '' || m[1]!.startsWith('?') ? null : Number(m[1]!.split(';')[0]);
      switch (m[2]) {
        case 'A':
          row = Math.max(0, row - (n ?? 1));
          break;
        case 'B':
          row += n ?? 1;
          break;
        case 'C':
          col += n ?? 1;
          break;
        case 'D':
          col = Math.max(0, col - (n ?? 1));
          break;
        case 'G':
          col = (n ?? 1) - 1;
          break;
        case 'J': // from the cursor to the end of the screen
          line().length = Math.min(line().length, col);
          rows.length = row + 1;
          break;
        case 'K':
          if (n === 2) line().length = 0;
          else if (n === 1) line().fill(' ', 0, col);
          else line().length = Math.min(line().length, col);
          break;
        default: // colours and modes: nothing on screen
      }
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') row++;
    else if (ch === '\b') col = Math.max(0, col - 1);
    else if (ch >= ' ') {
      if (col >= columns) {
        row++;
        col = 0;
      }
      const at = line();
      while (at.length < col) at.push(' ');
      at[col++] = ch;
    }
  }
  return Array.from(rows, (r) => (r ?? []).join('').trimEnd());
}
