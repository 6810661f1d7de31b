import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { EXTENSION } from './format.js';
import { inOrder } from './pool.js';
import { gradescopeJson, junitXml, resultsJson, type FeedbackMode, type Suite } from './reports.js';
import { PORT_PLACEHOLDER, redrawNote, runTranscript, type RunSettings, type TranscriptResult } from './run-one.js';

export { PORT_PLACEHOLDER };

/** Where results go besides the terminal: files in the formats of reports.ts. */
export interface ReportFiles {
  readonly json?: string;
  readonly junit?: string;
  readonly gradescope?: string;
}

export interface TestOptions extends Omit<RunSettings, 'signal'> {
  readonly feedback: FeedbackMode;
  /** Start no transcript after the first that fails (`-x`). */
  readonly exitFirst: boolean;
  /** Transcripts run side by side (`-j`); each has its own session, programs and port. */
  readonly jobs: number;
  readonly reports: ReportFiles;
  readonly out: Writable;
  readonly err: Writable;
  readonly signal: AbortSignal;
}

/**
 * `sockshell test PATH ...`: replays every transcript, each in a fresh session with fresh --with
 * programs, says how each went and ends with a summary line. Returns 0, 1 (a transcript failed),
 * 2 (a transcript could not be read or parsed) or 130 (interrupted).
 */
export async function runTests(paths: readonly string[], options: TestOptions): Promise<number> {
  if (options.jobs > 1 && options.with.length > 0 && !options.with.some((c) => c.includes(PORT_PLACEHOLDER))) {
    options.err.write(
      `sockshell test: -j ${options.jobs} runs programs side by side, so each needs a port of its own: write ${PORT_PLACEHOLDER} in --with\n`,
    );
    return 2;
  }
  const files = await transcriptFiles(paths, options.err);
  if (files === null) return 2;
  let failedOnce = false;
  const results = await inOrder(
    files,
    options.jobs,
    (file, again) => runTranscript(file, options).then((r) => (again ? ranAgain(r, options.jobs) : r)),
    (result) => {
      if (result.outcome === 'interrupted') return;
      printResult(result, options.feedback, options.out, options.err);
      if (!isPass(result)) failedOnce = true;
    },
    () => options.signal.aborted || (options.exitFirst && failedOnce),
    runAgainAlone,
  );
  const shown = results.filter((r) => r.outcome !== 'interrupted');
  const passed = shown.filter(isPass).length;
  const skipped = files.length - results.length;
  options.out.write(
    `${passed} passed, ${shown.length - passed} failed${skipped > 0 && !options.signal.aborted ? `, ${skipped} not run (-x)` : ''}${options.signal.aborted ? ' (interrupted)' : ''}\n`,
  );
  await writeReports([{ name: 'sockshell test', results: shown }], options.reports, options.feedback);
  if (options.signal.aborted) return 130;
  return shown.some((r) => r.outcome === 'broken') ? 2 : passed < shown.length ? 1 : 0;
}

export const isPass = (r: TranscriptResult): boolean => r.outcome === 'passed' || r.outcome === 'updated';

/**
 * A run whose program could not bind because the port was in use: beside other runs (-j), a program
 * in one of them may hold it (two submissions that hard-code the textbook's 12000, or one submission's
 * transcripts side by side), and which run found it taken was a matter of timing. Run again on its
 * own, it tells the story a run of its own tells (what it bound instead), the same every time.
 */
export const runAgainAlone = (r: TranscriptResult): boolean => r.addressInUse === true;

/** The second run's result, with a note for the instructor of why it was run twice. */
export function ranAgain(result: TranscriptResult, jobs: number): TranscriptResult {
  const note = `run again on its own: beside other runs (-j ${jobs}) its program exited with "Address already in use", which a program in another run holding the port can cause`;
  return { ...result, instructor: [...result.instructor, note] };
}

const MORE = '        ';

/** One transcript's verdict on the terminal: `ok`, `updated`, or `FAIL` and its feedback, indented. */
export function printResult(result: TranscriptResult, mode: FeedbackMode, out: Writable, err: Writable, label = result.file): void {
  switch (result.outcome) {
    case 'passed':
      out.write(`ok      ${label}${result.redrawn !== undefined ? ` (${redrawNote(result.redrawn)})` : ''}\n`);
      return;
    case 'updated':
      out.write(`updated ${label}\n`);
      return;
    case 'broken':
      for (const line of result.student) err.write(`${line}\n`);
      out.write(`FAIL    ${label}: it cannot be replayed (see above)\n`);
      return;
    case 'interrupted':
      return;
    case 'failed': {
      const lines = mode === 'student' ? result.student : result.instructor;
      // A failure said in one line (a program that would not start) stays on the FAIL line.
      const mismatch = lines.some((l) => l.startsWith('at line '));
      if (!mismatch) {
        const [first, ...rest] = lines;
        out.write(`FAIL    ${label}: ${first ?? result.reason}\n${rest.map((l) => `${MORE}${l}\n`).join('')}`);
        return;
      }
      out.write(`FAIL    ${label}\n`);
      // The diff keeps its own columns; everything else is indented under the FAIL line.
      const diff = (l: string) => /^(--- |\+\+\+ |@@ |[-+ ])/.test(l) && mode === 'instructor';
      let inDiff = false;
      for (const l of lines) {
        if (l.startsWith('--- ')) inDiff = true;
        if (inDiff && !diff(l)) inDiff = false;
        out.write(inDiff ? `${l}\n` : `${MORE}${l}\n`);
      }
      return;
    }
    default: {
      const exhaustive: never = result.outcome;
      return exhaustive;
    }
  }
}

/** Writes the report files asked for; Gradescope's is for one submission, so it takes the first suite. */
export async function writeReports(suites: readonly Suite[], files: ReportFiles, mode: FeedbackMode): Promise<void> {
  if (files.json) await writeFile(files.json, resultsJson(suites, mode));
  if (files.junit) await writeFile(files.junit, junitXml(suites, mode));
  if (files.gradescope && suites[0]) await writeFile(files.gradescope, gradescopeJson(suites[0], mode));
}

/** Files named on the command line, and every transcript below directories, in a stable order. */
export async function transcriptFiles(paths: readonly string[], err: Writable): Promise<string[] | null> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      err.write(`sockshell: no such file or directory: ${path}\n`);
      return null;
    }
    if (!info.isDirectory()) files.push(path);
    else files.push(...(await below(path)));
  }
  return files;
}

async function below(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await below(path)));
    else if (e.name.endsWith(EXTENSION)) out.push(path);
  }
  return out;
}
