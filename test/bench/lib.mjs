/**
 * What every measurement of the benchmark shares: starting processes (each one tracked and killed by
 * its PID, whatever happens), timestamping their output lines as they arrive, free ports on loopback,
 * and the statistics (median, min, max, percentiles).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const CLI = `${ROOT}dist/cli.js`;
export const PEERS = `${ROOT}test/peers/`;
export const NODE = process.execPath;

/** Children that have not exited yet; killed by PID when the benchmark ends or is interrupted. */
const live = new Set();

export function killAll() {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * `--pin` runs both ends of the request/response and connection measurements on one CPU (taskset).
 * The default leaves them to the scheduler, as a user's programs are: issue 5's reference figures
 * were taken so (its raw Node / Python ratios, 0.67x UDP and 0.8x TCP, are what an unpinned run
 * measures here, 0.71x and 0.82x; pinned runs measure 0.45x and 0.5x). Pinned runs vary less between
 * runs but put V8's compiler threads on the CPU the round trips need, which charges a JIT-compiled
 * program's warm-up to its round trips.
 */
export const pinned = { cpu: 0 };
let pinning = false;
export function setPinning(on) {
  pinning = on && has('taskset');
}

/** True when `command` can be run (nc, socat, python3). */
export function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The Python interpreter itself, or null without python3. `python3` on PATH may be a version
 * manager's shim (pyenv's is a shell script that adds ~150 ms to every start); the bench runs what
 * it points to.
 */
export const PYTHON = (() => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
})();

/** The first line of `command args`' output, or null. */
export function versionOf(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}`.trim().split('\n')[0] : null;
}

/**
 * Starts a process. Its stdout lines are kept with the time each arrived (performance.now()), so a
 * client's "start" and "done" lines time its loop without its start-up; stderr is kept for errors.
 * `stdio` overrides stdin/stdout (an fd) for peers like nc that read or write the data itself.
 */
export function start(command, args, { env = {}, stdin = 'ignore', stdout = 'pipe', cpu = null } = {}) {
  const spawnedAt = performance.now();
  if (cpu !== null && pinning) [command, args] = ['taskset', ['-c', String(cpu), command, ...args]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1', ...env },
    stdio: [stdin, stdout, 'pipe'],
  });
  live.add(child);
  const lines = [];
  /** stderr's lines, timed as stdout's are (sockshell connect/listen say what happened there). */
  const errLines = [];
  const watchers = new Set();
  let stderr = '';
  const timeLines = (into) => {
    let partial = '';
    return (text) => {
      const at = performance.now();
      partial += text;
      for (let i = partial.indexOf('\n'); i >= 0; i = partial.indexOf('\n')) {
        into.push({ text: partial.slice(0, i), at });
        partial = partial.slice(i + 1);
      }
      for (const w of watchers) w();
    };
  };
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', timeLines(lines));
  child.stderr.setEncoding('utf8');
  const errText = timeLines(errLines);
  child.stderr.on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
    errText(text);
  });
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      live.delete(child);
      exit = { code: null, signal: null, error: err, at: performance.now() };
      resolve(exit);
    });
    child.on('exit', (code, signal) => {
      live.delete(child);
      exit = { code, signal, at: performance.now() };
      for (const w of watchers) w();
      resolve(exit);
    });
  });
  const name = [command.split('/').pop(), ...args.map((a) => a.split('/').pop())].join(' ').slice(0, 120);
  const proc = {
    pid: child.pid,
    spawnedAt,
    lines,
    exited,
    stderr: () => stderr.trim(),
    /** Writes text to its stdin (started with stdin 'pipe'). */
    input(text) {
      child.stdin?.write(text);
    },
    errLines,
    /** The time the first stdout (fromStderr: stderr) line starting with `prefix` arrived; rejects on exit or after ms. */
    line(prefix, ms, fromStderr = false) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = (fromStderr ? errLines : lines).find((l) => l.text.startsWith(prefix));
          if (found) return finish(() => resolve(found));
          if (exit)
            return finish(() =>
              reject(
                new Error(
                  `${name} exited (${exit.code ?? exit.signal}) before printing '${prefix}': ${stderr.trim().split('\n').pop() ?? ''}`,
                ),
              ),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`${name}: no '${prefix}' within ${ms} ms; stderr: ${stderr.trim().split('\n').pop() ?? ''}`))),
          ms,
        );
        const finish = (f) => {
          clearTimeout(timer);
          watchers.delete(check);
          f();
        };
        watchers.add(check);
        check();
      });
    },
    /** Resolves with its exit; kills it by PID if it has not exited after ms. */
    async wait(ms) {
      let timer;
      const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), ms)));
      const got = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (got !== null) return got;
      await proc.kill();
      throw new Error(`${name} did not finish within ${ms} ms`);
    },
    /** SIGKILL by PID; resolves once it has exited. */
    async kill() {
      if (exit === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
  return proc;
}

/** The native addon the build makes when it can (npm run build:native); without it only the event-loop engine runs. */
export const NATIVE_ADDON = `${ROOT}dist/native/sockshell.node`;

/**
 * The shell's back ends, each a row of its own wherever the shell runs a script: the native engine
 * (blocking socket calls in the addon, chosen by `run` when nothing needs the event loop); the
 * event-loop engine with the addon loaded (`SOCKSHELL_ENGINE=loop`: node:dgram and node:net wait and
 * move the bytes, but bind, listen, accept's queue and options still go through the addon, as in the
 * interactive shell); and the fallback, a process with no addon at all (what a machine that cannot
 * build it runs: node:dgram and node:net alone). A back end that cannot run here is a row that says
 * why, and is skipped. `cli` is the launcher each runs.
 */
export const ENGINES = [
  {
    id: 'native',
    label: 'native engine',
    env: { SOCKSHELL_ENGINE: 'native' },
    cli: CLI,
    available: existsSync(NATIVE_ADDON),
    missing: `the native addon was not built (${NATIVE_ADDON.slice(ROOT.length)}; npm run build:native says why)`,
  },
  { id: 'loop', label: 'event-loop engine, addon loaded', env: { SOCKSHELL_ENGINE: 'loop' }, cli: CLI, available: true, missing: '' },
  {
    id: 'fallback',
    label: 'fallback: no addon',
    env: {},
    get cli() {
      return fallbackCli();
    },
    available: existsSync(`${ROOT}dist/sockshell.cjs`),
    missing: 'the bundle was not built (npm run build)',
  },
];

let fallbackLauncher = null;

/**
 * The fallback's launcher: this build's bundle and launcher copied to a directory of their own without
 * native/, so the process finds no addon to load (the files `SOCKSHELL_NATIVE=0 npm run build` makes;
 * the addon is looked for beside the bundle only, engine/native.ts). Made on first use, removed at
 * exit, and checked once: asked for the native engine, it must say it has none.
 */
function fallbackCli() {
  if (fallbackLauncher !== null) return fallbackLauncher;
  const dir = mkdtempSync(join(tmpdir(), 'sockshell-fallback-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const file of ['cli.js', 'sockshell.cjs', 'sockshell.cjs.map', 'sockshell.v8cache', 'package.json']) {
    if (existsSync(`${ROOT}dist/${file}`)) copyFileSync(`${ROOT}dist/${file}`, join(dir, file));
  }
  const launcher = join(dir, 'cli.js');
  const r = spawnSync(NODE, [launcher, 'run', `${BENCH}empty.sock`], {
    env: { ...process.env, SOCKSHELL_ENGINE: 'native' },
    encoding: 'utf8',
  });
  if (r.status !== 0 || !r.stderr.includes('using the event-loop engine'))
    throw new Error(`the fallback's copy of the shell should run without its addon: status ${r.status}, ${r.stderr.trim()}`);
  fallbackLauncher = launcher;
  return launcher;
}

/** `sockshell run FILE NAME=VALUE...` with this checkout's build, on one engine (default: the shell's own choice). */
export function sockshell(script, vars, options = {}, engine = null) {
  const env = { ...options.env, ...(engine?.env ?? {}) };
  return start(NODE, [engine?.cli ?? CLI, 'run', script, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], { ...options, env });
}

/** One contender per engine: `make(engine)` is its run; ids are the engine ids, labels say the engine. */
export function engineContenders(label, make) {
  return ENGINES.map((e) => ({
    id: e.id,
    label: `sockshell ${label} (${e.label})`,
    available: e.available,
    missing: e.missing,
    run: make(e),
  }));
}

/** Starts a client, times its loop by its "start" and "done" lines, and checks it exited with 0. */
export async function timedLoop(proc, ms) {
  try {
    const begin = await proc.line('start', ms);
    const end = await proc.line('done', ms);
    const exit = await proc.wait(ms);
    if (exit.code !== 0) throw new Error(`exited with ${exit.code ?? exit.signal}: ${proc.stderr()}`);
    // Both lines in one read: the loop was too short to time from here; make it longer.
    if (end.at - begin.at < 1) throw new Error('the loop took under a millisecond: too short to time');
    return { seconds: (end.at - begin.at) / 1000, lines: proc.lines };
  } finally {
    await proc.kill();
  }
}

/** A port on 127.0.0.1 that was free a moment ago (servers that take their port up front). */
export async function freePort(transport = 'tcp') {
  if (transport === 'tcp') {
    const s = createServer();
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address();
    await new Promise((resolve) => s.close(resolve));
    return port;
  }
  const s = createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * Waits until a TCP port is in LISTEN state, read from /proc/net/tcp (connecting to find out would
 * use up the one connection nc or socat accept).
 */
export async function waitListening(port, ms) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const deadline = performance.now() + ms;
  for (;;) {
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let table;
      try {
        table = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      // local_address is the second column and LISTEN is state 0A.
      if (table.split('\n').some((row) => row.split(/\s+/)[2]?.endsWith(hex.trim()) && row.split(/\s+/)[4] === '0A')) return;
    }
    if (performance.now() > deadline) throw new Error(`nothing listened on port ${port} within ${ms} ms`);
    await sleep(2);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A field of /proc/PID/status in KiB (VmRSS, VmHWM), or null when the process is gone. */
export function procStatusKiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function median(xs) {
  return percentile(xs, 50);
}

/** The p-th percentile by nearest rank on the sorted values. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summary(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}
