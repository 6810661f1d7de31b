import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, sockshell } from '../helpers/proc.js';

/**
 * A fresh port ({port}) taken by another program between freshPort's probe and the program's bind:
 * the textbook's server exited with "Address already in use" and was told "the port it was given as
 * its argument was free, so it tried another port, one in use" (instructor trial 6), a correct
 * program failed for a busy machine. The race is made certain, not waited for: the --with command
 * runs a wrapper that writes its port to a file and waits until this test has bound that port (a real
 * UDP socket of this process, outside the program's process group), then starts the submission.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-port-taken-'));
const held: Socket[] = [];
afterAll(() => {
  for (const s of held) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEXTBOOK = readFileSync(new URL('../grading/udp-server/submissions/textbook/UDPServer.py', import.meta.url), 'utf8');
/** A mistake that also ends in "Address already in use": it binds the port it was given twice. */
const DOUBLE_BIND = TEXTBOOK.replace(
  "serverSocket.bind(('', serverPort))",
  "serverSocket.bind(('', serverPort))\nsocket(AF_INET, SOCK_DGRAM).bind(('', serverPort))",
);

/** Runs the submission; its first `take` runs first tell their port (told/N) and wait until it is taken (taken/N). */
const WRAPPER = `s="$2"; take=$(cat "$s/take"); mkdir -p "$s/told" "$s/taken"
n=$(($(ls "$s/told" | wc -l) + 1))
if [ "$n" -le "$take" ]; then
  echo "$1" > "$s/told/.$n" && mv "$s/told/.$n" "$s/told/$n"
  i=0; while [ ! -e "$s/taken/$n" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
fi
exec python3 "$s/UDPServer.py" "$1"
`;

function submission(name: string, program: string, take: number): void {
  mkdirSync(join(dir, 'subs', name), { recursive: true });
  writeFileSync(join(dir, 'subs', name, 'UDPServer.py'), program);
  writeFileSync(join(dir, 'subs', name, 'take'), `${take}\n`);
}

/** Binds each port a wrapper tells, until `done` settles: another program taking the fresh port. */
async function takeTold(done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  const taken = new Set<string>();
  while (!finished) {
    for (const name of readdirSync(join(dir, 'subs'))) {
      const told = join(dir, 'subs', name, 'told');
      for (const n of existsSync(told) ? readdirSync(told).filter((f) => !f.startsWith('.')) : []) {
        if (taken.has(`${name}/${n}`)) continue;
        const port = Number(readFileSync(join(told, n), 'utf8'));
        const s = createSocket('udp4');
        await new Promise<void>(
          (resolve, reject) => (s.once('error', reject), s.bind({ port, address: '0.0.0.0', exclusive: true }, resolve)),
        );
        held.push(s);
        taken.add(`${name}/${n}`);
        writeFileSync(join(dir, 'subs', name, 'taken', n), '');
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Json {
  submissions: { submission: string; tests: { outcome: string; feedback: string[] }[] }[];
}

describe.runIf(hasPython)('grade: a fresh port another program takes before the program binds it', () => {
  it('is drawn again, and a correct program passes; a program that takes its own port twice is not', async () => {
    submission('textbook', TEXTBOOK, 1);
    submission('double-bind', DOUBLE_BIND, 0);
    submission('always-taken', TEXTBOOK, 3);
    writeFileSync(join(dir, 'wrap.sh'), WRAPPER);
    const transcript = join(dir, 'upper.sockt');
    writeFileSync(transcript, readFileSync(new URL('../grading/udp-server/transcripts/upper.sockt', import.meta.url)));
    const json = join(dir, 'results.json');
    const run = sockshell([
      'grade',
      '--ready-timeout',
      '30',
      '--timeout',
      '30',
      '--feedback',
      'student',
      '--json',
      json,
      '--with',
      `sh ${join(dir, 'wrap.sh')} {port} {submission}`,
      join(dir, 'subs'),
      transcript,
    ]);
    await takeTold(run);
    const r = await run;
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const results = JSON.parse(readFileSync(json, 'utf8')) as Json;
    const said = Object.fromEntries(results.submissions.map((s) => [s.submission, [s.tests[0]!.outcome, ...s.tests[0]!.feedback]]));
    expect(said.textbook).toEqual(['passed']);
    expect(r.stdout).toContain(
      `ok      textbook: ${transcript} (run again on another port: its fresh port was taken by another program before the program bound it)`,
    );
    // Its own doing: run once, and told as before.
    expect(said['double-bind']![0]).toBe('failed');
    expect(said['double-bind']!.join('\n')).toContain('Address already in use');
    expect(readdirSync(join(dir, 'subs', 'double-bind', 'told'))).toEqual([]);
    // Three ports taken: not graded, and not the program's fault.
    expect(said['always-taken']).toEqual([
      'failed',
      'the program could not be graded: the port it was given as its argument was taken by another program on the grading machine before it could bind it',
    ]);
    expect(readdirSync(join(dir, 'subs', 'always-taken', 'told')).filter((f) => !f.startsWith('.'))).toHaveLength(3);
  });
});
