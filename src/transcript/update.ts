import { writeFile } from 'node:fs/promises';
import { renderItems, type Item } from './format.js';

/**
 * `sockshell test --update`: writes what this run showed as the transcript's expected output, unless
 * an `expect` failed in it (a failed check is the program being wrong, not new output to accept).
 * `changed` is false when the file already said it all; `refused` says why nothing was written.
 */
export async function writeUpdate(
  file: string,
  text: string,
  updated: readonly Item[],
): Promise<{ changed: boolean; refused: string | null }> {
  const failedCheck = failedExpect(updated);
  if (failedCheck !== null) {
    const refused = `not updated: the check at line ${failedCheck.line} failed this run (${failedCheck.why}); --update never writes a failed check as expected output`;
    return { changed: false, refused };
  }
  const rendered = renderItems(updated);
  if (rendered === text) return { changed: false, refused: null };
  await writeFile(file, rendered);
  return { changed: true, refused: null };
}

/** The first `expect` whose run printed something (an `expect` that holds prints nothing), and what it printed last. */
function failedExpect(items: readonly Item[]): { line: number; why: string } | null {
  for (const [i, item] of items.entries()) {
    if (item.kind !== 'input' || !/^(\w+\.)?expect\b/.test(item.text)) continue;
    const output = items.slice(i + 1).findIndex((o) => o.kind !== 'output');
    const shown = items.slice(i + 1, output === -1 ? items.length : i + 1 + output).filter((o) => o.kind === 'output');
    const last = shown[shown.length - 1];
    if (last) return { line: item.line, why: last.text.replace(/^\s*\^+\s*/, '') };
  }
  return null;
}
