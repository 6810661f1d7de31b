import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { tcpHolders } from '../../src/engine/port-holders.js';
import { HANG_MS } from './wait.js';

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

/** How long a process may run before a test calls it hung and kills it: generous, as a loaded machine is slow. */
const PROCESS_HANG_MS = 4 * HANG_MS;

/** Runs a command to completion, feeding `input`; kills it by PID after `timeoutMs` (a hang). */
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
    const limit = options.timeoutMs ?? PROCESS_HANG_MS;
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${limit} ms; stdout=${stdout} stderr=${stderr}`));
    }, limit);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A program that exits without reading all its input makes the write fail with EPIPE: that is
    // its business (the status and output say what happened), not an error of the test's.
    child.stdin.on('error', () => undefined);
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
export function startServer(command: string, args: readonly string[], ready: string, timeoutMs = HANG_MS): Promise<Server> {
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

/**
 * A port for a server whose port must be given up front (a textbook program takes it in argv, a
 * transcript names it). Two races are ruled out by where it comes from, not by luck:
 * - it lies below the OS's ephemeral range (32768–60999 here), so no socket the OS numbers itself,
 *   another test's client say, can take it between this check and its use;
 * - each vitest worker has its own slice of 20000–31999 and hands its ports out in turn, so two
 *   test files running at once never pick the same one.
 * What is left is a program outside the suite holding it, or connections a test before it left in
 * TIME_WAIT on it: the checks below skip those.
 */
export async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < SLICE; attempt++) {
    const port = BASE + (nextInSlice++ % SLICE);
    // Closed connections in TIME_WAIT do not stop a listen with SO_REUSEADDR (Node's), but they do
    // stop the textbook's servers, and tests count them: skip ports that have any.
    const holders = tcpHolders(port);
    if (holders && holders.timeWait + holders.other > 0) continue;
    if ((await canListen(port)) && (await canBindUdp(port))) return port;
  }
  throw new Error(`no free port in ${BASE}–${BASE + SLICE - 1}`);
}

/** For a server started by the test: the same as freeFixedPort (either transport is checked). */
export const freePort = (_transport: 'udp' | 'tcp'): Promise<number> => freeFixedPort();

const SLICE = 500;
/** Every slice of every lane: what freeFixedPort may give, which fresh ports ({port}) stay out of. */
export const FIXED_PORTS: readonly [number, number] = [20000, 20000 + 24 * SLICE - 1];
const worker = Number(process.env.VITEST_POOL_ID ?? 1 + Math.floor(Math.random() * 24));
/**
 * Suites run side by side on one machine (one per git worktree) set SOCKSHELL_TEST_PORT_LANE to 1..7
 * so their workers take other slices; a lane holds 3 workers.
 */
const lane = Number(process.env.SOCKSHELL_TEST_PORT_LANE ?? 0);
const BASE = 20000 + ((worker - 1 + 3 * lane) % 24) * SLICE;
/** Where this worker starts: random within its slice, so a file that follows another on the same worker does not meet its ports in TIME_WAIT. */
let nextInSlice = Math.floor(Math.random() * SLICE);

/**
 * A free port for a program that binds a number written into it, where the words said of it must name
 * the number: `test --with … {port}` picks its fresh port in 10000–19999 (port-probe.ts freshRange,
 * below Linux's default ephemeral range) and says a port within 100 of that one as `{port} + N`. A
 * freeFixedPort lies in that range, so 1 run in ~100 met a fresh port close by. This one lies in
 * 2000–9799, more than 100 below any fresh port; random, and checked free as freeFixedPort's are.
 */
export async function portFarFromFresh(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 2000 + Math.floor(Math.random() * 7800);
    const holders = tcpHolders(port);
    if (holders && holders.timeWait + holders.other > 0) continue;
    if ((await canListen(port)) && (await canBindUdp(port))) return port;
  }
  throw new Error('no free port in 2000–9799');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}
