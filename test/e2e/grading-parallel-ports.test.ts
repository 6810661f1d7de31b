import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, portFarFromFresh, sockshell } from '../helpers/proc.js';

/**
 * Submissions that hard-code one port (the textbook's 12000, as a class copies it), graded with
 * `-j 2` (instructor trial 4, finding 2): runs side by side took the port from each other, so one
 * transcript said "it bound UDP port 12000 instead" and the next "exited … Address already in use …
 * tried another port, one in use", which run told which depending on timing. Each must tell the one
 * story a run on its own tells.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Json {
  submissions: { submission: string; tests: { file: string; outcome: string; feedback: string[] }[] }[];
}

describe.runIf(hasPython && process.platform === 'linux')('grade -j 2: a hard-coded port tells one story', () => {
  it('two submissions that bind the same fixed port: every transcript of each says it bound that port instead', async () => {
    // Far from any fresh port: within 100 of the one a run is given, a port is said as worked out from
    // it ("it bound UDP port 18 above the one it was given instead"). freeFixedPort's ports lie among
    // the fresh ones, so each of the six runs met one there 1 time in 113: the test failed ~1 run in 19
    // (2 of 19 runs of its grade command at the command line).
    const port = await portFarFromFresh();
    const transcripts = join(dir, 'transcripts');
    cpSync(new URL('../grading/udp-server/transcripts/', import.meta.url), transcripts, { recursive: true });
    expect(readdirSync(transcripts).length).toBe(3);
    const text = readFileSync(new URL('../grading/udp-server/submissions/hard-coded-port/UDPServer.py', import.meta.url), 'utf8');
    expect(text).toContain("bind(('', 21212))");
    for (const who of ['ana', 'ben']) {
      mkdirSync(join(dir, 'subs', who), { recursive: true });
      writeFileSync(join(dir, 'subs', who, 'UDPServer.py'), text.replace("bind(('', 21212))", `bind(('', ${port}))`));
    }
    const json = join(dir, 'results.json');
    const r = await sockshell([
      'grade',
      '-j',
      '2',
      // A loaded machine can take seconds to start python3: the story under test comes at its first line.
      '--ready-timeout',
      '30',
      '--feedback',
      'student',
      '--json',
      json,
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      join(dir, 'subs'),
      transcripts,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const results = JSON.parse(readFileSync(json, 'utf8')) as Json;
    const said = `the program did not bind the port it was given as its argument (sys.argv[1]); it bound UDP port ${port} instead: does it read its port from its arguments?`;
    const firstLines = results.submissions.flatMap((s) => s.tests.map((t) => `${s.submission} ${basename(t.file)}: ${t.feedback[0]}`));
    expect(firstLines).toEqual(
      ['ana', 'ben'].flatMap((who) => ['non-ascii', 'two-clients', 'upper'].map((t) => `${who} ${t}.sockt: ${said}`)),
    );
    expect(r.stdout).not.toContain('Address already in use');
    // The summary table says the first failure whole (it was cut at 60 characters, which left a start
    // failure with the instructor's command and without its reason), over the lines of its cell.
    expect(firstFailureCell(r.stdout, 'ana')).toBe(
      `non-ascii.sockt: the program did not bind the port it was given as its argument (sys.argv[1]); it bound UDP port ${port} instead: does it read its port from its arguments?`,
    );
  });
});

/** The last column of a submission's row in the summary table, its lines joined by spaces. */
function firstFailureCell(stdout: string, submission: string): string {
  const rows = stdout.split('\n').filter((l) => l.startsWith('│'));
  const at = rows.findIndex((l) => l.startsWith(`│ ${submission} `));
  expect(at).toBeGreaterThan(0);
  const cells: string[] = [];
  for (let i = at; i < rows.length && (i === at || /^│ +│/.test(rows[i]!)); i++) cells.push(rows[i]!.split('│').at(-2)!.trim());
  return cells.join(' ');
}
