#!/usr/bin/env node
/**
 * A/B of two builds of the shell, interleaved (A B python A B python …), for the measurements of
 * issue 16 that a change to connections or memory should move. Copy a build aside first, as a
 * directory named dist (`mkdir -p /tmp/a && cp -r dist /tmp/a/dist`: the bundle finds the addon at
 * ../dist/native from its own folder, and a copy by any other name runs without it), change the
 * code, `npm run build`, then:
 *
 *   node test/bench/ab.mjs conn DIST_A DIST_B [DIST_C …] [--count 10000] [--rounds 5] [--engine native]
 *   node test/bench/ab.mjs memory DIST_A DIST_B [DIST_C …] [--count 1000] [--rounds 5] [--engine loop]
 *
 * conn: the server's CPU per connection (user + system from /proc/PID/stat, 10 ms ticks) while
 * COUNT sequential textbook TCPClients (py_conn.py, after as many untimed) connect to
 * scripts/TCPServer.sock of each build, and to TCPServer.py; server and client share CPU 0
 * (taskset), so the elapsed time per connection is the sum of both ends' CPU; main is the server's
 * main thread alone (without V8's compiler and GC threads).
 * memory: KiB of RSS per held connection of test/bench/hold-server.sock from COUNT held to 2 × COUNT:
 * the slope of RSS against the connections held, sampled on the way, and the difference of the two
 * readings (memory.mjs's hold); raw Node's server beside them.
 *
 * Each run takes a port in PORT_BASE + 0..999 (PORT_BASE from SOCKSHELL_BENCH_PORT_BASE, default
 * 12000) that no socket holds, not even in TIME_WAIT (TCPServer.py binds without SO_REUSEADDR), never
 * an ephemeral one; a server that does not say it is ready fails the run loudly instead of measuring
 * nothing. Prints every run, then medians and ranges.
 */
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH, NODE, PEERS, PYTHON, ROOT, median, pinned, setPinning, start } from './lib.mjs';
import { hold } from './memory.mjs';

const [mode, ...rest] = process.argv.slice(2);
const flag = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i < 0 ? undefined : rest.splice(i, 2)[1];
};
const countText = flag('count');
const roundsText = flag('rounds');
const engineText = flag('engine');
const dists = rest;
if ((mode !== 'conn' && mode !== 'memory') || dists.length < 2) {
  process.stderr.write(
    'usage: node test/bench/ab.mjs conn|memory DIST_A DIST_B [DIST_C …] [--count N] [--rounds R] [--engine native|loop]\n',
  );
  process.exit(2);
}
const count = Number(countText ?? (mode === 'conn' ? 10_000 : 1000));
const rounds = Number(roundsText ?? 5);
const engine = engineText ?? (mode === 'conn' ? 'native' : 'loop');
for (const dist of dists) {
  if (!existsSync(resolve(dist, '..', 'dist', 'native', 'sockshell.node')) && engine !== 'loop') {
    process.stderr.write(`${dist}: no addon at ../dist/native from there: copy the build as a directory named dist\n`);
    process.exit(2);
  }
}
/** The builds by letter: A, B, C … */
const builds = dists.map((dist, i) => [String.fromCharCode(65 + i), dist]);
const READY = 'The server is ready to receive';
const base = Number(process.env.SOCKSHELL_BENCH_PORT_BASE ?? 12_000);
let next = 0;

/** Whether any TCP socket on the host (TIME_WAIT ones too) has local port p: TCPServer.py binds without SO_REUSEADDR. */
function held(p) {
  const hex = `:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .some((row) => row.trim().split(/\s+/)[1]?.endsWith(hex)),
  );
}

/** A port in base..base+999 that no socket holds and a listen on 127.0.0.1 takes now. */
async function port() {
  for (let tries = 0; tries < 1000; tries++) {
    const p = base + (next++ % 1000);
    if (held(p)) continue;
    const free = await new Promise((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(p, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (free) return p;
  }
  throw new Error(`no free port in ${base}..${base + 999}`);
}

/** CPU ms a process has used, all threads; main: its main thread only (no GC helpers or compiler threads). */
function cpuMs(pid, main = false) {
  const fields = readFileSync(main ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const shell = (dist, script, vars, options) =>
  start(NODE, [resolve(dist, 'cli.js'), 'run', script, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], {
    ...options,
    env: { SOCKSHELL_ENGINE: engine },
  });

const servers = Object.fromEntries([
  ...builds.map(([letter, dist]) => [
    letter,
    mode === 'conn'
      ? (p) => shell(dist, `${ROOT}scripts/TCPServer.sock`, { serverPort: p }, pinned)
      : (p) => shell(dist, `${BENCH}hold-server.sock`, { serverPort: p, count }, {}),
  ]),
  ...(mode === 'memory'
    ? [['node', (p) => start(NODE, [`${BENCH}peers/node-hold.mjs`, 'server', String(p), String(count)])]]
    : PYTHON === null
      ? []
      : [['python', (p) => start(PYTHON, [`${PEERS}TCPServer.py`, String(p)], pinned)]]),
]);

/** µs of the server's CPU and elapsed per connection. */
async function conn(make) {
  const p = await port();
  const server = make(p);
  let client = null;
  try {
    await server.line(READY, 15_000);
    client = start(PYTHON, [`${BENCH}peers/py_conn.py`, String(p), String(count), String(count)], pinned);
    await client.line('start', 120_000);
    const [s0, m0, t0] = [cpuMs(server.pid), cpuMs(server.pid, true), performance.now()];
    await client.line('done', 300_000);
    if (server.stderr().includes('event-loop engine')) throw new Error(`not on the ${engine} engine: ${server.stderr()}`);
    const per = (ms) => (ms * 1000) / count;
    return { cpu: per(cpuMs(server.pid) - s0), main: per(cpuMs(server.pid, true) - m0), elapsed: per(performance.now() - t0) };
  } finally {
    await client?.kill();
    await server.kill();
  }
}

/** KiB of the server's RSS per connection from count to 2 × count held: the slope and the difference (memory.mjs's hold). */
async function memory(make) {
  const held = await hold(make, count, port);
  return { slope: held.value, kib: held.extra.differenceKiB, samples: held.extra.samples };
}

setPinning(mode === 'conn');
const runs = new Map(Object.keys(servers).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [k, make] of Object.entries(servers)) {
    const got = await (mode === 'conn' ? conn(make) : memory(make));
    runs.get(k).push(got);
    process.stdout.write(`round ${round + 1} ${k}: ${JSON.stringify(got, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}\n`);
  }
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
process.stdout.write(
  `${mode}, ${count} ${mode === 'conn' ? 'connections' : 'held connections'}, ${engine} engine, medians of ${rounds} (min–max), load ${load}:\n`,
);
for (const [k, rs] of runs) {
  const fields = Object.keys(rs[0]).map((f) => {
    const xs = rs.map((r) => r[f]);
    return `${f} ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  });
  const dist = builds.find(([letter]) => letter === k)?.[1];
  process.stdout.write(`  ${dist === undefined ? k : `${k} ${dist}`}: ${fields.join(', ')}\n`);
}
// Paired: each build against A in the same round, which the machine's load moved alike.
for (const [letter] of builds.slice(1)) {
  for (const f of Object.keys(runs.get('A')[0])) {
    const ratios = runs.get('A').map((a, i) => runs.get(letter)[i][f] / a[f]);
    process.stdout.write(
      `  ${letter}/A ${f}: ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})\n`,
    );
  }
}
