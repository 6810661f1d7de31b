import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, sockshell } from '../helpers/proc.js';

/**
 * No false verdicts: a correct server graded run after run always passes. Readiness was once probed
 * by binding the program's port, and a C server's bind lost that race about 1 run in 100. Each run
 * here is a fresh program on a fresh port ({port}) against the same transcript.
 *
 * The normal suite grades each server SOCKSHELL_GRADE_RUNS times (20); `npm run test:grading-race`
 * grades them 200 times each.
 */
const RUNS = Number(process.env.SOCKSHELL_GRADE_RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'sockshell-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasGcc = spawnSync('gcc', ['--version']).status === 0;
const TRANSCRIPT = 'test/grading/udp-server/transcripts/upper.sockt';

async function gradeRepeatedly(command: string): Promise<void> {
  const port = await freeFixedPort();
  const r = await sockshell(['test', '--with', command, '--port', String(port), ...Array<string>(RUNS).fill(TRANSCRIPT)], {
    timeoutMs: RUNS * 30_000,
  });
  expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(r.stdout).toMatch(new RegExp(`\\n${RUNS} passed, 0 failed\\n$`));
  expect(r.status).toBe(0);
}

describe('a correct server graded run after run never fails', () => {
  it.runIf(hasGcc)(`a C (gcc) UDP server, ${RUNS} transcripts in a row`, async () => {
    const binary = join(dir, 'udp_server');
    const built = spawnSync('gcc', ['-O2', '-o', binary, 'test/grading/c/udp_server.c'], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    await gradeRepeatedly(`${binary} {port}`);
  });

  it.runIf(hasPython)(`the textbook's Python UDP server, ${RUNS} transcripts in a row`, async () => {
    await gradeRepeatedly('python3 test/grading/udp-server/submissions/textbook/UDPServer.py {port}');
  });
});
