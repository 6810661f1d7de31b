/**
 * Grading a class: `sockshell grade` over a folder of submissions (copies of the textbook's
 * UDPServer.py) against the UDP server's transcripts, with -j 4 and one at a time. The value is
 * seconds per submission, from spawn to exit; the ratio says what -j 4 saves on this machine.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, NODE, PYTHON, ROOT, start } from './lib.mjs';

const TRANSCRIPTS = `${ROOT}test/grading/udp-server/transcripts`;
const TEXTBOOK = `${ROOT}test/grading/udp-server/submissions/textbook/UDPServer.py`;

export function grading(submissions) {
  let dir = null;
  const run = (jobs) => async () => {
    const proc = start(NODE, [
      CLI,
      'grade',
      '-j',
      String(jobs),
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      join(dir, 'subs'),
      TRANSCRIPTS,
    ]);
    const exit = await proc.wait(submissions * 60_000);
    if (exit.code !== 0) throw new Error(`grade -j ${jobs} exited with ${exit.code ?? exit.signal}: ${proc.stderr()}`);
    return { value: (exit.at - proc.spawnedAt) / 1000 / submissions };
  };
  return {
    id: 'grade',
    title: `Grading ${submissions} UDP server submissions × 3 transcripts (sockshell grade)`,
    unit: 's per submission',
    better: 'lower',
    setup: () => {
      dir = mkdtempSync(join(tmpdir(), 'sockshell-bench-grade-'));
      for (let i = 0; i < submissions; i++) {
        const to = join(dir, 'subs', `student${String(i).padStart(3, '0')}`);
        mkdirSync(to, { recursive: true });
        cpSync(TEXTBOOK, join(to, 'UDPServer.py'));
      }
    },
    teardown: () => rmSync(dir, { recursive: true, force: true }),
    contenders: [
      { id: 'grade-j4', label: 'sockshell grade -j 4', available: PYTHON !== null, run: run(4) },
      { id: 'grade-j1', label: 'sockshell grade (one at a time)', available: PYTHON !== null, run: run(1) },
    ],
    ratios: [{ a: 'grade-j4', b: 'grade-j1' }],
  };
}
