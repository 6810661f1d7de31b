import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A submission whose program is not where `--with` runs it (instructor trial 5): one folder down, as an
 * LMS unpacks a student's zip of a folder (`hw2/UDPServer.py`), or named in another case
 * (`udpserver.py`). The student read python3's own line, with the grader's interpreter and folders in
 * it ("/root/.pyenv/versions/3.11.7/bin/python3: can't open file '/tmp/…/UDPServer.py'") and no hint
 * of where the file was. Real python3, the textbook's server, graded with its upper.sockt.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-missing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXTBOOK = readFileSync(new URL('../grading/udp-server/submissions/textbook/UDPServer.py', import.meta.url), 'utf8');

function put(path: string, text: string): void {
  mkdirSync(join(dir, 'subs', path, '..'), { recursive: true });
  writeFileSync(join(dir, 'subs', path), text);
}

interface Json {
  submissions: { submission: string; tests: { feedback: string[] }[] }[];
}

describe.runIf(hasPython)('grade: a program file that is not where --with runs it', () => {
  it("says where in the submission it is, in the student's words, without the grader's paths", async () => {
    put('nested/hw2/UDPServer.py', TEXTBOOK);
    put('other-case/udpserver.py', TEXTBOOK);
    put('none/README.txt', 'I ran out of time.\n');
    const transcript = join(dir, 'upper.sockt');
    writeFileSync(transcript, readFileSync(new URL('../grading/udp-server/transcripts/upper.sockt', import.meta.url)));
    const json = join(dir, 'results.json');
    const r = await sockshell([
      'grade',
      '--feedback',
      'student',
      '--json',
      json,
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      join(dir, 'subs'),
      transcript,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const results = JSON.parse(readFileSync(json, 'utf8')) as Json;
    const said = Object.fromEntries(results.submissions.map((s) => [s.submission, s.tests[0]!.feedback]));
    const lead = "python3 could not open the program's file: the submission has no UDPServer.py in its top folder, where it is run from; ";
    expect(said).toEqual({
      nested: [`${lead}it has hw2/UDPServer.py`],
      none: [`${lead}it has no file of that name, in any case, in its folders`],
      'other-case': [`${lead}it has udpserver.py (a name in another case: file names are case-sensitive here)`],
    });
    expect(JSON.stringify(said)).not.toContain(dir);
  });
});
