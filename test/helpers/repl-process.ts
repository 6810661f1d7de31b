import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ROOT } from './proc.js';

/**
 * The interactive shell (node:repl over ShellCore, as `sockshell` runs it at a terminal) in a
 * process of its own, driven through pipes, so its memory can be measured apart from the peers
 * that flood it. Ended by its PID.
 */
const REPL = pathToFileURL(`${ROOT}dist/repl/repl.js`).href;
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
  async type(line: string, timeoutMs = 5000): Promise<{ out: string; err: string; ms: number }> {
    const o = this.out.length;
    const e = this.err.length;
    const started = Date.now();
    this.child.stdin!.write(line + '\n');
    const prompt = /sockshell[^\n>]*> $/;
    while (!prompt.test(this.out.slice(o))) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`no prompt after ${JSON.stringify(line)} in ${timeoutMs} ms; out=${this.out.slice(o)} err=${this.err.slice(e)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { out: this.out.slice(o).replace(prompt, ''), err: this.err.slice(e), ms: Date.now() - started };
  }

  /** Waits for the first prompt. */
  async ready(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!/sockshell> $/.test(this.out)) {
      if (Date.now() > deadline) throw new Error(`the shell did not start; err=${this.err}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
  }
}
