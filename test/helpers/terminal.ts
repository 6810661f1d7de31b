import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI, ROOT } from './proc.js';
import { waitFor as waitUntil } from './wait.js';

/**
 * The REPL at a real pseudo-terminal, as a person uses it: util-linux `script` gives the shell a
 * pty, and the test types into it. Ctrl-C and Ctrl-D are the terminal's own control characters.
 */
export const hasScript = spawnSync('script', ['--version']).status === 0;

export interface Terminal {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the terminal has shown so far. */
  readonly screen: () => string;
  /** Waits (bounded) until the screen matches. */
  readonly waitFor: (pattern: RegExp, what: string) => Promise<void>;
  /** Resolves with the shell's exit status once its output is all on the screen. */
  readonly exited: Promise<number | null>;
  /** Ends it by its PID if it still runs. */
  readonly kill: () => void;
}

/**
 * options.size: the terminal's columns and rows (stty sets them on the pty before the shell starts),
 * so what the shell lays out for a terminal's width can be checked; without it, script's default.
 * options.then: a shell command run at the same terminal after sockshell ends, by a `sh` that started
 * it (dash here: it does not restore the terminal's modes itself), with sockshell's status in $status.
 */
export function atTerminal(
  args: string,
  env: NodeJS.ProcessEnv = {},
  options: { readonly size?: { columns: number; rows: number }; readonly then?: string } = {},
): Terminal {
  const { size, then } = options;
  const stty = size === undefined ? '' : `stty cols ${size.columns} rows ${size.rows}; `;
  const shell = `${process.execPath} ${CLI} ${args}`;
  const command = then === undefined ? `${stty}exec ${shell}` : `${stty}sh -c '${shell}; status=$?; ${then}'`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'dumb', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  // 'close', not 'exit': 'exit' can come while the pty's last output is still in the pipe, and a test that
  // reads the screen after the exit would then miss the shell's last words.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    screen: () => screen,
    waitFor: (pattern, what) =>
      waitUntil(
        () => pattern.test(screen),
        () => `${what} on the terminal; screen=${JSON.stringify(screen)}`,
      ),
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    },
  };
}
