import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ROOT } from './proc.js';
import { HANG_MS, waitFor } from './wait.js';

/**
 * The interactive shell (node:repl over ShellCore, as `sockshell` runs it at a terminal) in a
 * process of its own, driven through pipes, so its memory can be measured apart from the peers
 * that flood it. Ended by its PID.
 */
const REPL = pathToFileURL(`${ROOT}dist/modules/repl/repl.js`).href;
const START = `import(${JSON.stringify(REPL)}).then(({ startRepl }) => startRepl({ input: process.stdin, output: process.stdout, errorOutput: process.stderr, terminal: false, color: false, history: null }).done).then((s) => process.exit(s))`;

/** True where a process's resident set can be read (Linux /proc). */
export const canMeasureRss = existsSync('/proc/self/status');

export class ReplProcess {
  readonly child: ChildProcess;
  out = '';
  err = '';

  constructor() {
    this.child = spawn(process.execPath, ['-e', START], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
  }

  /** Resident set size in MiB, from /proc. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  }

  /** Types a line; resolves with its output once the prompt is back, and how long that took. */
  async type(line: string, timeoutMs = HANG_MS): Promise<{ out: string; err: string; ms: number }> {
    const o = this.out.length;
    const e = this.err.length;
    const started = Date.now();
    this.child.stdin!.write(line + '\n');
    const prompt = /sockshell[^\n>]*> $/;
    await waitFor(
      () => prompt.test(this.out.slice(o)),
      () => `a prompt after ${JSON.stringify(line)}; out=${this.out.slice(o)} err=${this.err.slice(e)}`,
      timeoutMs,
    );
    return { out: this.out.slice(o).replace(prompt, ''), err: this.err.slice(e), ms: Date.now() - started };
  }

  /** Waits for the first prompt. */
  ready(): Promise<void> {
    return waitFor(
      () => /sockshell> $/.test(this.out),
      () => `the shell's first prompt; err=${this.err}`,
    );
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
  }
}
