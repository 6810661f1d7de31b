#!/usr/bin/env node
/**
 * A/B of builds on start-up: `run empty.sock` of each build against `node -e ''`, spawned in turn
 * (node A B … node A B …) so a slow moment of the machine meets every contender alike. Copy a build
 * aside as a directory named dist first (`mkdir -p /tmp/a && cp -r dist /tmp/a/dist`), then:
 *
 *   node test/bench/ab-startup.mjs DIST_A [DIST_B …] [--spawns 20] [--rounds 5]
 *
 * Per round, each contender's median of its spawns, from fork to exit (elapsed) and its CPU (user +
 * system, wait4's rusage, in µs), both taken by a small python3 parent (Node gives no child's
 * rusage; /usr/bin/time rounds to 10 ms); then, over the rounds, the median of each build's ratio to
 * node in the same round, which is what startup.mjs's target (≤ 1.3×) compares.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH, NODE, PYTHON, median } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args.splice(i, 2)[1]);
};
const spawns = option('spawns', 20);
const rounds = option('rounds', 5);
if (args.length === 0 || PYTHON === null || args.some((dist) => !existsSync(resolve(dist, 'cli.js')))) {
  process.stderr.write('usage: node test/bench/ab-startup.mjs DIST_A [DIST_B …] [--spawns N] [--rounds R] (needs python3)\n');
  process.exit(2);
}
const contenders = [
  { id: 'node', argv: [NODE, '-e', ''] },
  ...args.map((dist, i) => ({ id: String.fromCharCode(65 + i), argv: [NODE, resolve(dist, 'cli.js'), 'run', `${BENCH}empty.sock`] })),
];

/** The parent: forks, execs argv (its output to /dev/null), and prints status, elapsed ms, CPU ms. */
const PARENT = `
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), (time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000)
`;

/** One spawn: elapsed and CPU in ms. */
function once(argv) {
  const r = spawnSync(PYTHON, ['-c', PARENT, ...argv], { encoding: 'utf8' });
  const [status, wall, cpu] = r.stdout.trim().split(' ').map(Number);
  if (r.status !== 0 || status !== 0) throw new Error(`${argv.join(' ')} exited with ${status}: ${r.stderr}`);
  return { wall, cpu };
}

const ratios = new Map(contenders.slice(1).map((c) => [c.id, { wall: [], cpu: [] }]));
for (let round = 0; round < rounds; round++) {
  const runs = new Map(contenders.map((c) => [c.id, { wall: [], cpu: [] }]));
  for (let i = 0; i < spawns; i++)
    for (const c of contenders) {
      const { wall, cpu } = once(c.argv);
      runs.get(c.id).wall.push(wall);
      runs.get(c.id).cpu.push(cpu);
    }
  const base = runs.get('node');
  const line = contenders.map((c) => `${c.id} ${median(runs.get(c.id).wall).toFixed(0)} ms (cpu ${median(runs.get(c.id).cpu).toFixed(0)})`);
  process.stdout.write(`round ${round + 1}: ${line.join(', ')}\n`);
  for (const [id, r] of ratios) {
    r.wall.push(median(runs.get(id).wall) / median(base.wall));
    r.cpu.push(median(runs.get(id).cpu) / median(base.cpu));
  }
}
for (const [id, r] of ratios)
  process.stdout.write(
    `${id} (${args[id.charCodeAt(0) - 65]}) / node: wall ${median(r.wall).toFixed(2)}×, cpu ${median(r.cpu).toFixed(2)}× (median of ${rounds} rounds)\n`,
  );
