import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/proc.js';

/**
 * Issue 17 item 2 at a real pseudo-terminal (util-linux `script`), as a student pastes from the README:
 * the lines after a block run, in order, after it. The in-process checks are test/repl-paste.test.ts.
 */
const hasScript = spawnSync('script', ['--version']).status === 0;

describe.runIf(hasScript)('a paste at a real terminal', () => {
  it('runs every line after the block it follows', async () => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TERM: 'dumb', NO_COLOR: '1', SOCKSHELL_HISTORY: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (pattern: RegExp, what: string) => {
      for (let i = 0; i < 1000 && !pattern.test(screen); i++) await new Promise((r) => setTimeout(r, 20));
      if (!pattern.test(screen)) throw new Error(`no ${what} on the terminal; screen=${JSON.stringify(screen)}`);
    };
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('repeat 2\rprint B\rend\rprint P1\rprint P2\r');
      await waitFor(/\nP2\r*\nsockshell> $/, 'P2 printed and the prompt back');
      const printed = screen
        .split(/\r*\n/)
        .map((l) => l.replace(/^(?:sockshell> |\.\.\. )+/, ''))
        .filter((l) => ['B', 'P1', 'P2'].includes(l));
      expect(printed).toEqual(['B', 'B', 'P1', 'P2']);
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    }
  }, 30_000);
});
