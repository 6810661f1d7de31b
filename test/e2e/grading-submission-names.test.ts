import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, sockshell } from '../helpers/proc.js';

/**
 * Submission folders as an LMS export names them ("Jane Doe_4711_assignsubmission_file_") and worse,
 * graded with {submission} bare and quoted (instructor trial 2): the textbook's server in each passes.
 * Before, {submission} went into the command as it was, and sh split it at its spaces: python3 could
 * not open '…/Jane', and a correct program failed.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grade-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['Jane Doe_4711_assignsubmission_file_', 'lower, "cases"', "o'brien $HOME"];

describe.runIf(hasPython)('sockshell grade: submission folders with spaces and quotes in their names', () => {
  it.each([
    ['bare', 'python3 {submission}/UDPServer.py {port}'],
    ['in double quotes', 'python3 "{submission}/UDPServer.py" {port}'],
  ])('{submission} %s: every copy of the textbook server passes', async (_, command) => {
    const root = mkdtempSync(join(dir, 'batch-'));
    for (const name of NAMES)
      cpSync(new URL('../grading/udp-server/submissions/textbook/', import.meta.url), join(root, 'subs', name), { recursive: true });
    const transcript = join(root, 'upper.sockt');
    const text = readFileSync(new URL('../grading/udp-server/transcripts/upper.sockt', import.meta.url), 'utf8');
    writeFileSync(transcript, text.replace(/\b21212\b/g, String(await freeFixedPort())));
    const r = await sockshell(['grade', '-j', '3', '--feedback', 'student', '--with', command, join(root, 'subs'), transcript]);
    expect(r.stdout, r.stdout + r.stderr).toMatch(/^3 passed, 0 failed over 3 submissions$/m);
    expect(r.status).toBe(0);
  });
});
