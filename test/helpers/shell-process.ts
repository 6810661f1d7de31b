import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT } from './proc.js';
import { HANG_MS } from './wait.js';

/**
 * `sockshell ARGS` in a process of its own that the test watches while it runs: its output so far,
 * a bounded wait for a text, and its exit. stdin is a pipe the test writes and ends. Stopped by PID.
 */
export class ShellProcess {
  readonly child: ChildProcess;
  out = '';
  err = '';
  readonly exit: Promise<number | null>;
  private ended = false;

  /** `node` is the options for Node itself, before the CLI's path; `env` is added to this process's. */
  constructor(args: readonly string[], cwd = ROOT, node: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [...node, CLI, ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exit = new Promise((resolve) =>
      this.child.on('close', (status) => {
        this.ended = true;
        resolve(status);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  exited(): boolean {
    return this.ended || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /**
   * Resolves once stdout or stderr contains text; rejects once the process has ended with its output all
   * read (its 'close': at 'exit' the last words may still be in the pipe), or after HANG_MS.
   */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + HANG_MS;
    while (Date.now() < deadline) {
      if (this.out.includes(text) || this.err.includes(text)) return;
      if (this.ended) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.out.includes(text) || this.err.includes(text)) return;
    throw new Error(`no ${JSON.stringify(text)} (exited: ${this.exited()}); out=${this.out} err=${this.err}`);
  }

  stop(): void {
    if (!this.exited() && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
  }
}
