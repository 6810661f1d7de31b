import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT } from './proc.js';

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

  /** Resolves once stdout or stderr contains text; rejects if the process ends first, or after 3000 polls. */
  async waitFor(text: string): Promise<void> {
    for (let i = 0; i < 3000; i++) {
      if (this.out.includes(text) || this.err.includes(text)) return;
      if (this.exited()) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.out.includes(text) || this.err.includes(text)) return;
    throw new Error(`no ${JSON.stringify(text)} (exited: ${this.exited()}); out=${this.out} err=${this.err}`);
  }

  stop(): void {
    if (!this.exited() && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
  }
}
