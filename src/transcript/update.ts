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
  // A call that timed out (or a replay that hung) where the transcript had none: most often the server
  // it talks to was not running; writing it would turn a good transcript into one that expects failure.
  if (count(rendered, TIMED_OUT) > count(text, TIMED_OUT)) {
    const refused =
      'not updated: a call timed out this run where the transcript expected none (is the server it talks to running?); --update never writes a new timeout as expected output';
    return { changed: false, refused };
  }
  if (rendered === text) return { changed: false, refused: null };
  await writeFile(file, rendered);
  return { changed: true, refused: null };
}

/** A blocking call's timeout, or a replay that did not finish, as the transcript shows them. */
const TIMED_OUT = /ETIMEDOUT: \w+ timed out after|\(replay: the command did not finish/g;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
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
