import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { renderTable } from '../render/table.js';
import { gradebookCsv, shortReason } from './gradebook.js';
import { inOrder } from './pool.js';
import { replaceQuoted } from './shell-quote.js';
import { score, type FeedbackMode, type Suite } from './reports.js';
import { PORT_PLACEHOLDER, runTranscript, type RunSettings, type TranscriptResult } from './run-one.js';
import { isPass, printResult, ranAgain, runAgainAlone, transcriptFiles, writeReports } from './runner.js';

/** U+FEFF, which UTF-8 writes as EF BB BF: how Excel knows a CSV file is UTF-8. */
const BOM = '\ufeff';

/** In a --with command of `sockshell grade`: the submission's folder. */
export const SUBMISSION_PLACEHOLDER = '{submission}';

export interface GradeOptions extends Omit<RunSettings, 'signal' | 'update'> {
  readonly feedback: FeedbackMode;
  readonly exitFirst: boolean;
  readonly jobs: number;
  readonly json?: string;
  readonly junit?: string;
  /** A folder: SUBMISSION/results.json in it for each submission (Gradescope's format). */
  readonly gradescopeDir?: string;
  /** The gradebook as CSV: a row per submission (gradebook.ts). */
  readonly csv?: string;
  /**
   * Start the CSV with a UTF-8 byte order mark (--csv-bom). Off by default: Excel needs it to read
   * non-ASCII names as UTF-8 (without it, "Zoë" opens as "ZoÃ«"), but an LMS import, Python's csv
   * with encoding='utf-8' and most scripts take it as part of the first column's name ("\ufeffstudent").
   */
  readonly csvBom?: boolean;
  readonly out: Writable;
  readonly err: Writable;
  readonly signal: AbortSignal;
}

/**
 * `sockshell grade SUBMISSIONS TRANSCRIPTS`: every submission (a folder of SUBMISSIONS) against
 * every transcript, `{submission}` in each --with command standing for the submission's folder.
 * Runs are independent (a fresh session, fresh programs, a fresh port each), so `-j N` runs N side
 * by side; results are printed in a fixed order whatever finished first, then a table, then the
 * report files. Returns 0 when everything passed, 1 when something failed, 2 for a usage problem
 * or a broken transcript, 130 when interrupted.
 */
export async function grade(submissionsDir: string, transcriptPaths: readonly string[], options: GradeOptions): Promise<number> {
  if (options.jobs > 1 && !options.with.some((c) => c.includes(PORT_PLACEHOLDER))) {
    options.err.write(
      `sockshell grade: -j ${options.jobs} runs programs side by side, so each needs a port of its own: write ${PORT_PLACEHOLDER} in --with\n`,
    );
    return 2;
  }
  const submissions = await submissionFolders(submissionsDir, options.err);
  const files = await transcriptFiles(transcriptPaths, options.err);
  if (submissions === null || files === null) return 2;
  if (submissions.length === 0) {
    options.err.write(`sockshell grade: no submission folders in ${submissionsDir}\n`);
    return 2;
  }
  const work = submissions.flatMap((submission) => files.map((file) => ({ submission, file })));
  let failedOnce = false;
  const results = await inOrder(
    work,
    options.jobs,
    ({ submission, file }, again) =>
      runTranscript(file, {
        ...options,
        update: false,
        with: options.with.map((c) => replaceQuoted(c, SUBMISSION_PLACEHOLDER, submission)),
      }).then((r) => (again ? ranAgain(r, options.jobs) : r)),
    (result, { submission }) => {
      if (result.outcome === 'interrupted') return;
      printResult(result, options.feedback, options.out, options.err, `${basename(submission)}: ${result.file}`);
      if (!isPass(result)) failedOnce = true;
    },
    () => options.signal.aborted || (options.exitFirst && failedOnce),
    runAgainAlone,
  );
  const suites: Suite[] = submissions.map((submission) => ({
    name: basename(submission),
    results: results.filter((r, i): r is TranscriptResult => work[i]!.submission === submission && r.outcome !== 'interrupted'),
  }));
  options.out.write(summaryTable(suites) + '\n');
  const passed = results.filter(isPass).length;
  options.out.write(
    `${passed} passed, ${results.length - passed} failed over ${submissions.length} submissions${results.length < work.length ? `, ${work.length - results.length} not run` : ''}\n`,
  );
  await writeReports(
    suites,
    { ...(options.json ? { json: options.json } : {}), ...(options.junit ? { junit: options.junit } : {}) },
    options.feedback,
  );
  if (options.csv) await writeFile(options.csv, (options.csvBom ? BOM : '') + gradebookCsv(suites, files));
  if (options.gradescopeDir) {
    for (const suite of suites) {
      const dir = join(options.gradescopeDir, suite.name);
      await mkdir(dir, { recursive: true });
      await writeReports([suite], { gradescope: join(dir, 'results.json') }, options.feedback);
    }
  }
  if (options.signal.aborted) return 130;
  return results.some((r) => r.outcome === 'broken') ? 2 : passed < work.length ? 1 : 0;
}

/**
 * A row per submission: how many transcripts passed, the points, and the first failure as the CSV's
 * reason says it (the student's words), whole, over as many lines of the cell as it takes: cut to a
 * width, a start failure kept the instructor's command and lost its reason.
 */
function summaryTable(suites: readonly Suite[]): string {
  return renderTable(
    ['submission', 'passed', 'points', 'first failure'],
    suites.map((s) => {
      const { score: got, max, passed } = score(s);
      const first = s.results.find((r) => !isPass(r));
      return [
        s.name,
        `${passed}/${s.results.length}`,
        `${got}/${max}`,
        first ? wrap(`${basename(first.file)}: ${shortReason(first)}`) : '',
      ];
    }),
  );
}

/** The first failure's column: wide enough for a line of feedback, narrow enough for a terminal with the other columns. */
const REASON_WIDTH = 64;

/** `text` in lines of at most REASON_WIDTH, broken at spaces where there are any. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const joined = line === '' ? word : `${line} ${word}`;
    if (joined.length <= REASON_WIDTH) {
      line = joined;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    while (line.length > REASON_WIDTH) {
      lines.push(line.slice(0, REASON_WIDTH));
      line = line.slice(REASON_WIDTH);
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/** The folders directly in `dir`, in a stable order: one per submission. */
async function submissionFolders(dir: string, err: Writable): Promise<string[] | null> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name))
      .sort((a, b) => a.localeCompare(b));
  } catch {
    err.write(`sockshell grade: ${dir} is not a folder of submissions (one folder per submission)\n`);
    return null;
  }
}
