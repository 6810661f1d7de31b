#!/usr/bin/env node
/**
 * A/B of builds or engines on round trips, interleaved, by CPU time: what a change to the event-loop
 * engine's receive or send path moves. Each contender is a build (a copy of dist, `cp -r dist /tmp/a/dist`)
 * on an engine, written DIST:ENGINE: `loop` (SOCKSHELL_ENGINE=loop, the addon loaded when the copy has
 * it), `fallback` (SOCKSHELL_NATIVE=0: no addon, as a machine that cannot build it) or `native`.
 *
 *   node test/bench/ab-rt.mjs udp|tcp DIST:ENGINE [DIST:ENGINE …] [--count 50000] [--rounds 5]
 *
 * Every round runs, for each contender, its server against raw Node's client and raw Node's server
 * against its client, and raw Node against raw Node (test/bench/peers/node-rt.mjs), all pinned to one
 * CPU (taskset), so a round trip's elapsed time is the sum of both ends' CPU. Each end's CPU per round
 * trip (user + system from /proc/PID/stat, all threads) is read over the client's timed loop, after
 * COUNT / 5 untimed round trips. The pair figure, server CPU + client CPU of the contender's two runs,
 * is what both ends of the shell would spend, set against raw Node's two ends: the bench's round-trip
 * ratio (round-trips.mjs) without the noise of elapsed time. Ports: PORT_BASE + 0..999
 * (SOCKSHELL_BENCH_PORT_BASE, default 12000).
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH, NODE, ROOT, median, pinned, setPinning, start } from './lib.mjs';

const [transport, ...rest] = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i < 0 ? fallback : rest.splice(i, 2)[1];
};
const count = Number(flag('count', '50000'));
const rounds = Number(flag('rounds', '5'));
const ENV = { loop: { SOCKSHELL_ENGINE: 'loop' }, fallback: { SOCKSHELL_NATIVE: '0' }, native: { SOCKSHELL_ENGINE: 'native' } };
const contenders = rest.map((spec, i) => {
  const [dist, engine = 'loop'] = spec.split(':');
  return { letter: String.fromCharCode(65 + i), dist, engine, env: ENV[engine] };
});
if ((transport !== 'udp' && transport !== 'tcp') || contenders.length === 0 || contenders.some((c) => c.env === undefined)) {
  process.stderr.write('usage: node test/bench/ab-rt.mjs udp|tcp DIST:loop|fallback|native [DIST:ENGINE …] [--count N] [--rounds R]\n');
  process.exit(2);
}
const READY = 'The server is ready to receive';
const base = Number(process.env.SOCKSHELL_BENCH_PORT_BASE ?? 12_000);
let next = 0;

/** A port in base..base+999 that a bind on 127.0.0.1 takes now (for the transport measured). */
async function port() {
  for (let tries = 0; tries < 1000; tries++) {
    const p = base + (next++ % 1000);
    const free = await new Promise((done) => {
      if (transport === 'udp') {
        const s = createSocket('udp4');
        s.once('error', () => s.close(() => done(false)));
        s.bind(p, '127.0.0.1', () => s.close(() => done(true)));
      } else {
        const s = createServer();
        s.once('error', () => done(false));
        s.listen(p, '127.0.0.1', () => s.close(() => done(true)));
      }
    });
    if (free) return p;
  }
  throw new Error(`no free port in ${base}..${base + 999}`);
}

/** CPU ms a process has used, all threads (10 ms ticks). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const warmup = Math.max(1, Math.round(count / 5));
const serverScript = transport === 'udp' ? `${ROOT}scripts/UDPServer.sock` : `${BENCH}tcp-server.sock`;
const shell = (c, script, vars) =>
  start(NODE, [resolve(c.dist, 'cli.js'), 'run', script, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)], {
    ...pinned,
    env: c.env,
  });
const ends = {
  server: (c) => (p) =>
    c === null
      ? start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-server`, String(p)], pinned)
      : shell(c, serverScript, { serverPort: p }),
  client: (c) => (p) =>
    c === null
      ? start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-client`, String(p), String(count), String(warmup)], pinned)
      : shell(c, `${BENCH}${transport}-client.sock`, { serverPort: p, count, warmup }),
};

/** µs of each end's CPU per round trip over the client's timed loop. */
async function once(makeServer, makeClient) {
  const p = await port();
  const server = makeServer(p);
  let client = null;
  try {
    await server.line(READY, 15_000);
    client = makeClient(p);
    await client.line('start', 120_000);
    const [s0, c0] = [cpuMs(server.pid), cpuMs(client.pid)];
    await client.line('done', 300_000);
    const per = (ms) => (ms * 1000) / count;
    return { server: per(cpuMs(server.pid) - s0), client: per(cpuMs(client.pid) - c0) };
  } finally {
    await client?.kill();
    await server.kill();
  }
}

setPinning(true);
const runs = new Map([['node', []], ...contenders.map((c) => [c.letter, []])]);
for (let round = 0; round < rounds; round++) {
  const node = await once(ends.server(null), ends.client(null));
  runs.get('node').push({ ...node, pair: node.server + node.client });
  for (const c of contenders) {
    const asServer = await once(ends.server(c), ends.client(null));
    const asClient = await once(ends.server(null), ends.client(c));
    runs.get(c.letter).push({ server: asServer.server, client: asClient.client, pair: asServer.server + asClient.client });
  }
  const line = [...runs].map(([k, rs]) => `${k} ${rs.at(-1).pair.toFixed(1)}`).join(', ');
  process.stdout.write(`round ${round + 1}, pair CPU µs: ${line}\n`);
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
process.stdout.write(
  `${transport.toUpperCase()}, ${count} round trips after ${warmup}, µs of CPU per round trip, medians of ${rounds} (min–max), load ${load}:\n`,
);
const range = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
for (const [k, rs] of runs) {
  const c = contenders.find((x) => x.letter === k);
  const name = c === undefined ? 'raw node' : `${k} ${c.dist}:${c.engine}`;
  process.stdout.write(`  ${name}: ${['server', 'client', 'pair'].map((f) => `${f} ${range(rs.map((r) => r[f]))}`).join(', ')}\n`);
}
// Paired: raw Node's pair against each contender's in the same round (the bench's ratio), and each against A.
const nodeRuns = runs.get('node');
for (const c of contenders) {
  const rs = runs.get(c.letter);
  const vsNode = rs.map((r, i) => nodeRuns[i].pair / r.pair);
  const vsA = rs.map((r, i) => r.pair / runs.get('A')[i].pair);
  process.stdout.write(
    `  ${c.letter}: raw node / ${c.letter} pair CPU ${range(vsNode)}${c.letter === 'A' ? '' : `; ${c.letter}/A pair ${range(vsA)}`}\n`,
  );
}
