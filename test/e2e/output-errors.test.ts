import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/proc.js';

/**
 * Issue 17 items 4 and 5: a write error on standard output ends the program with one line on stderr
 * and a non-zero status, never a stack trace and never status 0 with the output lost. A reader that
 * goes away (`| head -1`) ends it quietly with 141, as SIGPIPE ends cat.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const hasDevFull = existsSync('/dev/full');
const ENOSPC = 'sockshell: cannot write to standard output: ENOSPC (no space left on device)\n';

/** Runs sockshell with stdout on `stdout` (a descriptor, or a pipe we read), to its end (bounded). */
function run(
  args: readonly string[],
  options: { stdout: number | 'pipe'; input?: string; onFirstOutput?: (stop: () => void) => void },
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', options.stdout, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // The reader goes away after the first output, as head -1 does: its end of the pipe is closed.
    child.stdout?.once('data', () => options.onFirstOutput?.(() => child.stdout!.destroy()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`sockshell ${args.join(' ')} did not end; stderr=${stderr}`));
    }, 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

describe.runIf(hasDevFull)('standard output that cannot be written', () => {
  it('run hw.sock > /dev/full: one line and status 1, not 0', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await run(['run', script('hw.sock', 'print "hello world"\n')], { stdout: full });
      expect(r).toEqual({ status: 1, stderr: ENOSPC });
    } finally {
      closeSync(full);
    }
  });

  it('100,000 lines to /dev/full, and --help: the same line, no stack trace', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const many = await run(['run', script('many.sock', 'repeat 100000\nprint "line of output"\nend\n')], { stdout: full });
      expect(many).toEqual({ status: 1, stderr: ENOSPC });
      expect(await run(['--help'], { stdout: full })).toEqual({ status: 1, stderr: ENOSPC });
    } finally {
      closeSync(full);
    }
  });
});

describe('a reader that goes away (| head -1)', () => {
  const forever = 'while true\n  print "line of output"\nend\n';

  it('run: ends quietly with 141', async () => {
    const r = await run(['run', script('forever.sock', forever)], { stdout: 'pipe', onFirstOutput: (stop) => stop() });
    expect(r).toEqual({ status: 141, stderr: '' });
  });

  it('a piped session: ends quietly with 141', async () => {
    const r = await run([], { stdout: 'pipe', input: forever, onFirstOutput: (stop) => stop() });
    expect(r).toEqual({ status: 141, stderr: '' });
  });
});
