/**
 * first + text as lines of at most width characters, broken at spaces; later lines start with rest.
 * A word longer than a line still goes on one. Without a width, one line whatever its length.
 */
export function wrapWords(text: string, width: number | undefined, first = '', rest = ''): string[] {
  if (width === undefined || first.length + text.length <= width) return [first + text];
  const lines: string[] = [];
  let line = first;
  let fresh = true; // nothing after the prefix yet
  for (const word of text.split(' ')) {
    if (!fresh && line.length + 1 + word.length > width) {
      lines.push(line.trimEnd());
      line = rest;
      fresh = true;
    }
    // A run of spaces (help's two between names) is where a break may fall: none starts a later line.
    if (fresh && word === '' && lines.length > 0) continue;
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** The width prose wraps to: one short of the terminal's (a full last column can add a blank line), 80 without one. */
export function proseWidth(terminalColumns: number | undefined): number {
  return terminalColumns === undefined ? 80 : Math.max(40, terminalColumns - 1);
}
