import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

/** Helpers for tests that start real processes. Every process is ended by its PID. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const PEERS = fileURLToPath(new URL('../peers/', import.meta.url));

export const hasPython = spawnSync('python3', ['--version']).status === 0;
export const hasNc = spawnSync('sh', ['-c', 'command -v nc']).status === 0;

export interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, feeding `input`; kills it by PID after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 10000} ms; stdout=${stdout} stderr=${stderr}`),
      );
    }, options.timeoutMs ?? 10000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export function sockshell(
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  return runProcess(process.execPath, [CLI, ...args], options);
}

export interface Server {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running server and waits (bounded) until its stdout shows `ready`. */
export function startServer(command: string, args: readonly string[], ready: string, timeoutMs = 8000): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const server: Server = {
      child,
      output: () => out,
      stop: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          if (child.pid) process.kill(child.pid, 'SIGTERM');
        }),
    };
    const timer = setTimeout(() => {
      void server.stop();
      reject(new Error(`${command} ${args.join(' ')} not ready in ${timeoutMs} ms; stdout=${out} stderr=${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve(server);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes(ready)) reject(new Error(`${command} exited with ${code} before ready; stderr=${err}`));
    });
  });
}

/** A port that was free a moment ago, for servers whose port must be given up front. */
export async function freePort(transport: 'udp' | 'tcp'): Promise<number> {
  if (transport === 'tcp') {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A free port below the OS's ephemeral range (20000–31999), so no socket the OS numbers itself
 * (another test's client, say) can take it between this check and its use.
 */
export async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const tcp = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (!tcp) continue;
    const udp = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (udp) return port;
  }
  throw new Error('no free port found in 20000–31999 after 50 tries');
}
