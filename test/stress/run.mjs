#!/usr/bin/env node
// The suite under load: runs the whole test suite RUNS times while BUSY busy loops hold the cores,
// and reports each run's verdict and failing tests. It is how we show the suite holds on a loaded
// machine (issue 10). Every busy loop is a child process ended by its PID, also on Ctrl-C.
//
//   node test/stress/run.mjs [--runs 5] [--busy N (default: one per core; 0 = idle)] [-- vitest args]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const own = dashdash === -1 ? argv : argv.slice(0, dashdash);
const extra = dashdash === -1 ? [] : argv.slice(dashdash + 1);
const option = (name, fallback) => {
  const at = own.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(own[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number, got ${own[at + 1]}`);
  return value;
};
const runs = option('--runs', 5);
const busy = option('--busy', availableParallelism());

const loops = [];
/** The suite run under way, so a signal ends it with the loops. */
let suite = null;
const stopLoops = () => {
  for (const child of [...loops, suite])
    if (child && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
};
for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    stopLoops();
    process.exit(status);
  });
}
for (let i = 0; i < busy; i++) loops.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));

/** One full run of vitest; resolves with its status, duration and the names of failing tests. */
function runSuite() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', ...extra],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const failed = [
        ...new Set(
          out
            .split('\n')
            .filter((l) => /^\s*(FAIL|×)\s/.test(l))
            .map((l) => l.trim()),
        ),
      ];
      const summary = out
        .split('\n')
        .filter((l) => /^\s*(Test Files|Tests)\s/.test(l))
        .map((l) => l.trim())
        .join('; ');
      resolve({ status, seconds, failed, summary, out });
    });
  });
}

let green = 0;
try {
  console.log(`stress: ${runs} full runs with ${busy} busy loop(s) on ${availableParallelism()} core(s)`);
  for (let i = 1; i <= runs; i++) {
    const r = await runSuite();
    if (r.status === 0) green++;
    console.log(`run ${i}/${runs}: ${r.status === 0 ? 'green' : `FAILED (status ${r.status})`} in ${r.seconds.toFixed(0)} s; ${r.summary}`);
    for (const f of r.failed) console.log(`    ${f}`);
    if (r.status !== 0 && process.env.STRESS_LOG) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.STRESS_LOG}.${i}`, r.out);
    }
  }
} finally {
  stopLoops();
}
console.log(`stress: ${green} of ${runs} runs green with ${busy} busy loop(s)`);
process.exit(green === runs ? 0 : 1);
