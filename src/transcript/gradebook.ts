import { score, type Suite } from './reports.js';
import type { Outcome, TranscriptResult } from './run-one.js';

/**
 * `sockshell grade --csv FILE`: the gradebook, a row per submission, as a spreadsheet opens it and
 * an LMS imports it: the student (the submission's folder name, the id an LMS matches on), the score
 * and the most it could be, the verdict of each transcript in a column of its own, and the first
 * failure in a line. CSV as RFC 4180 writes it: CRLF line ends, a header row, and a field quoted
 * (its quotes doubled) when it holds a comma, a quote, CR or LF. The reason is in the student's
 * words (no --with, no {port}), since an LMS may show it to the student; it starts with sockshell's
 * own words, never with what a program printed, so no cell starts with a spreadsheet formula's `=`.
 */
export function gradebookCsv(suites: readonly Suite[], transcripts: readonly string[]): string {
  const label = labels(transcripts);
  const rows: string[][] = [['student', 'score', 'max_score', ...transcripts.map((t) => label.get(t)!), 'reason']];
  for (const suite of suites) {
    const { score: got, max } = score(suite);
    const byFile = new Map(suite.results.map((r) => [r.file, r]));
    const first = suite.results.find((r) => !passedOutcome(r.outcome));
    rows.push([
      suite.name,
      String(got),
      String(max),
      ...transcripts.map((file) => verdict(byFile.get(file))),
      first ? `${label.get(first.file) ?? first.file}: ${shortReason(first)}` : '',
    ]);
  }
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/**
 * Each transcript's column name: its path below the folder all of them share (`upper.sockt` for
 * every .sockt of one folder; `udp/upper.sockt` and `tcp/upper.sockt` for two), not the path typed.
 */
function labels(files: readonly string[]): Map<string, string> {
  const parts = files.map((f) => f.split(/[\\/]/));
  const most = parts.length === 0 ? 0 : Math.min(...parts.map((p) => p.length - 1));
  let shared = 0;
  while (shared < most && parts.every((p) => p[shared] === parts[0]![shared])) shared++;
  return new Map(files.map((f, i) => [f, parts[i]!.slice(shared).join('/')]));
}

/** A field as RFC 4180 writes it: as it is, or in quotes with its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What a transcript did for this submission; `not run` when -x or an interrupt stopped grading first. */
function verdict(result: TranscriptResult | undefined): string {
  if (result === undefined) return 'not run';
  switch (result.outcome) {
    case 'passed':
    case 'updated':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'broken':
      return 'broken';
    case 'interrupted':
      return 'not run';
    default: {
      const exhaustive: never = result.outcome;
      return exhaustive;
    }
  }
}

function passedOutcome(outcome: Outcome): boolean {
  return outcome === 'passed' || outcome === 'updated';
}

/**
 * A failure in one line: where (the student's `at line N: …`, or their first line when it failed
 * before the transcript ran) and, for a mismatch, the first line expected and what happened: the
 * cause when there is one (a crash's exception, a wrong transport), else the first line got. Three
 * different mistakes (a typo that raised AttributeError, send() on UDP, a TCP socket) all read "got
 * (the program ended (exit status 1), so nothing more could come to this call)" before.
 */
export function shortReason(result: TranscriptResult): string {
  const lines = result.student;
  const where = lines.find((l) => l.startsWith('at line ')) ?? lines[0] ?? result.reason;
  const said = (label: string) =>
    lines
      .find((l) => l.startsWith(label))
      ?.slice(label.length)
      .trim();
  const expected = said('expected:');
  const got = said('got:');
  if (expected === undefined || got === undefined) return where;
  return result.cause !== undefined ? `${where}: expected ${expected}; ${result.cause}` : `${where}: expected ${expected}, got ${got}`;
}
