import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { terminalSafe } from '../render/terminal.js';

/**
 * What is said of a program python3 could not open (`python3: can't open file '/…/UDPServer.py':
 * [Errno 2] No such file or directory`): where in the folder the file is, if anywhere. A submission an
 * LMS unpacks often has it one folder down (`hw2/UDPServer.py`) or named in another case
 * (`udpserver.py`), and python3's line gave the student the grader's interpreter and folders and no
 * hint of either.
 */
export interface MissingFile {
  /** For the instructor: the folder it was looked for in, and what is there. */
  readonly instructor: string;
  /** For the student: the submission's own terms, paths below its folder only. */
  readonly student: string;
}

/** python3's words for a program file that is not there. */
const CANNOT_OPEN = /can't open file '([^']+)': \[Errno 2\]/;

/** How deep below the folder, and how many entries at most, are looked through. */
const DEPTH = 3;
const ENTRIES = 500;

/** The words for a program that could not be opened, from the end of its standard error; null when that is not what happened. */
export function missingFileWords(stderrTail: readonly string[]): MissingFile | null {
  const path = stderrTail.map((l) => CANNOT_OPEN.exec(l)?.[1]).find((p) => p !== undefined);
  // The line is escaped for a terminal: a path that does not name a folder as written is not read.
  if (path === undefined || !isAbsolute(path) || !isFolder(dirname(path))) return null;
  const name = basename(path);
  const found = lookFor(dirname(path), name.toLowerCase());
  const where =
    found.length === 0
      ? `it has no file of that name, in any case, in its folders`
      : `it has ${found.map((f) => `${f}${basename(f) !== name ? ' (a name in another case: file names are case-sensitive here)' : ''}`).join(' and ')}`;
  return {
    instructor: `${name} is not in ${dirname(path)}, where the command runs it: ${where}`,
    student: `python3 could not open the program's file: the submission has no ${name} in its top folder, where it is run from; ${where}`,
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Files below `root` (DEPTH folders down) whose name is `lower` in any case, as paths below it, in a stable order. */
function lookFor(root: string, lower: string): string[] {
  const found: string[] = [];
  let seen = 0;
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (++seen > ENTRIES) return;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isFile() && e.name.toLowerCase() === lower) found.push(terminalSafe(Buffer.from(path)));
      else if (e.isDirectory() && depth < DEPTH && !e.name.startsWith('.')) walk(path, depth + 1);
    }
  };
  walk('', 0);
  return found;
}
