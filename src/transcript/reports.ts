import { hostname } from 'node:os';
import type { TranscriptResult } from './run-one.js';

/**
 * Results as other tools read them: JSON (ours), JUnit XML (CI servers; Ant's JUnit schema, whose
 * required elements and attributes are all written) and Gradescope's results.json (one per
 * submission). A suite is one submission's transcripts; `sockshell test` makes one suite.
 */
export interface Suite {
  readonly name: string;
  readonly results: readonly TranscriptResult[];
}

export type FeedbackMode = 'student' | 'instructor';

const pointsOf = (r: TranscriptResult) => r.header?.points ?? 1;
const passed = (r: TranscriptResult) => r.outcome === 'passed' || r.outcome === 'updated';

export function score(suite: Suite): { score: number; max: number; passed: number; failed: number } {
  const max = suite.results.reduce((sum, r) => sum + pointsOf(r), 0);
  const got = suite.results.filter(passed).reduce((sum, r) => sum + pointsOf(r), 0);
  const n = suite.results.filter(passed).length;
  return { score: got, max, passed: n, failed: suite.results.length - n };
}

const feedbackOf = (r: TranscriptResult, mode: FeedbackMode) => (mode === 'student' ? r.student : r.instructor);

function testJson(r: TranscriptResult, mode: FeedbackMode) {
  return {
    name: r.name,
    file: r.file,
    outcome: r.outcome,
    points: passed(r) ? pointsOf(r) : 0,
    max_points: pointsOf(r),
    seconds: Number(r.seconds.toFixed(3)),
    feedback: feedbackOf(r, mode),
  };
}

/** Our JSON: one object per suite, each test with its outcome, points and feedback lines. */
export function resultsJson(suites: readonly Suite[], mode: FeedbackMode): string {
  const body = suites.map((s) => {
    const { score: got, max, passed: n, failed } = score(s);
    return { submission: s.name, score: got, max_score: max, passed: n, failed, tests: s.results.map((r) => testJson(r, mode)) };
  });
  return JSON.stringify({ submissions: body }, null, 2) + '\n';
}

/** Gradescope's results.json for one submission: a score, and a test per transcript with its points and visibility. */
export function gradescopeJson(suite: Suite, mode: FeedbackMode): string {
  const seconds = suite.results.reduce((sum, r) => sum + r.seconds, 0);
  return (
    JSON.stringify(
      {
        score: score(suite).score,
        execution_time: Math.round(seconds),
        tests: suite.results.map((r) => ({
          name: r.name,
          score: passed(r) ? pointsOf(r) : 0,
          max_score: pointsOf(r),
          status: passed(r) ? 'passed' : 'failed',
          visibility: r.header?.visibility ?? 'visible',
          output: passed(r) ? '' : feedbackOf(r, mode).join('\n'),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** JUnit XML: a testsuite per submission, a testcase per transcript, a failure (or error) with its feedback. */
export function junitXml(suites: readonly Suite[], mode: FeedbackMode, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19);
  const host = escapeXml(hostname());
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  suites.forEach((s, id) => {
    const errors = s.results.filter((r) => r.outcome === 'broken').length;
    const failures = s.results.filter((r) => !passed(r) && r.outcome !== 'broken').length;
    const time = s.results.reduce((sum, r) => sum + r.seconds, 0).toFixed(3);
    out.push(
      `  <testsuite name="${escapeXml(s.name)}" id="${id}" package="sockshell" tests="${s.results.length}" failures="${failures}" errors="${errors}" time="${time}" timestamp="${stamp}" hostname="${host}">`,
      '    <properties/>',
    );
    for (const r of s.results) {
      const open = `    <testcase name="${escapeXml(r.name)}" classname="${escapeXml(s.name)}" time="${r.seconds.toFixed(3)}"`;
      if (passed(r)) {
        out.push(`${open}/>`);
        continue;
      }
      const tag = r.outcome === 'broken' ? 'error' : 'failure';
      out.push(
        `${open}>`,
        `      <${tag} message="${escapeXml(r.reason)}" type="${r.outcome}">${escapeXml(feedbackOf(r, mode).join('\n'))}</${tag}>`,
        '    </testcase>',
      );
    }
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** Text in XML: the five special characters, and control characters XML 1.0 cannot hold at all. */
function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
