#!/usr/bin/env node
/**
 * Where a round trip's time goes, side by side: CPU time per round trip of each end (user + system,
 * from /proc/PID/stat, so Linux only), for raw Node against raw Node and for the shell at one end
 * against raw Node at the other. Both ends run on one CPU (taskset, when installed), so a round
 * trip's time is the sum of the two ends' CPU and each end's share can be read off. The loop is
 * timed by the client's "start" and "done" lines, as in the benchmark.
 *
 *   node test/bench/cpu.mjs udp|tcp [COUNT=100000] [ROUNDS=3] [ENGINES=native]
 *   node test/bench/cpu.mjs conn [COUNT=100000] [ROUNDS=3] [ENGINES=native,loop]
 *
 * A long COUNT measures the steady state; 20,000 (the benchmark's) includes V8's warm-up.
 * The textbook's Python is measured at each end too (against raw Node at the other), so each end's
 * CPU can be set beside the shell's. ENGINES (comma-separated: native, loop, fallback; lib.mjs ENGINES)
 * are the shell's back ends measured, each a pair of rows (`fallback` is a process without the addon).
 * `conn` measures connections instead: COUNT sequential textbook TCPClients (Python's, or raw Node's
 * without python3; after as many untimed) against scripts/TCPServer.sock on each engine, raw Node's
 * server and TCPServer.py: each end's CPU per connection.
 */
import { readFileSync } from 'node:fs';
import { BENCH, ENGINES, NODE, PEERS, PYTHON, ROOT, freePort, pinned, setPinning, sockshell, start } from './lib.mjs';

const [transport = 'udp', countText = '100000', roundsText = '3', enginesText = transport === 'conn' ? 'native,loop' : 'native'] =
  process.argv.slice(2);
const engines = enginesText.split(',').map((id) => ENGINES.find((e) => e.id === id));
if ((transport !== 'udp' && transport !== 'tcp' && transport !== 'conn') || engines.includes(undefined)) {
  process.stderr.write('usage: node test/bench/cpu.mjs udp|tcp|conn [COUNT] [ROUNDS] [ENGINE,...: native, loop, fallback]\n');
  process.exit(2);
}
const measured = engines.filter((e) => e.available);
const count = Number(countText);
setPinning(true);

/** CPU time a process has used so far, in milliseconds (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const serverScript = transport === 'udp' ? `${ROOT}scripts/UDPServer.sock` : `${BENCH}tcp-server.sock`;
/** The textbook's server for the transport: UDPServer.py, or py_rt.py's TCP server that serves one connection until it closes. */
const pythonServer = transport === 'udp' ? `${PEERS}UDPServer.py` : `${BENCH}peers/py_rt.py`;
const pythonServerArgs = (port) => (transport === 'udp' ? [String(port)] : ['tcp-server', String(port)]);
const connClient = (port) =>
  PYTHON === null
    ? start(NODE, [`${BENCH}peers/node-conn.mjs`, 'client', String(port), String(count), String(count)], pinned)
    : start(PYTHON, [`${BENCH}peers/py_conn.py`, String(port), String(count), String(count)], pinned);
const connEnds = {
  server: {
    node: (port) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'server', String(port)], pinned),
    ...Object.fromEntries(
      measured.map((e) => [e.id, (port) => sockshell(`${ROOT}scripts/TCPServer.sock`, { serverPort: port }, pinned, e)]),
    ),
    python: (port) => start(PYTHON, [`${PEERS}TCPServer.py`, String(port)], pinned),
  },
  client: { client: connClient },
};
const ends =
  transport === 'conn'
    ? connEnds
    : {
        server: {
          node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-server`, String(port)], pinned),
          ...Object.fromEntries(measured.map((e) => [e.id, (port) => sockshell(serverScript, { serverPort: port }, pinned, e)])),
          ...(PYTHON === null ? {} : { python: (port) => start(PYTHON, [pythonServer, ...pythonServerArgs(port)], pinned) }),
        },
        client: {
          node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-client`, String(port), String(count)], pinned),
          ...Object.fromEntries(
            measured.map((e) => [e.id, (port) => sockshell(`${BENCH}${transport}-client.sock`, { serverPort: port, count }, pinned, e)]),
          ),
          python: (port) => start(PYTHON, [`${BENCH}peers/py_rt.py`, `${transport}-client`, String(port), String(count)], pinned),
        },
      };

/** One run: µs per round trip, and each end's CPU µs per round trip, over the client's timed loop. */
async function once(serverKind, clientKind) {
  const port = await freePort(transport === 'udp' ? 'udp' : 'tcp');
  const server = ends.server[serverKind](port);
  let client = null;
  try {
    await server.line('The server is ready to receive', 15_000);
    client = ends.client[clientKind](port);
    await client.line('start', 60_000);
    const [s0, c0, t0] = [cpuMs(server.pid), cpuMs(client.pid), performance.now()];
    await client.line('done', 300_000);
    const perTrip = 1000 / count;
    return {
      trip: (performance.now() - t0) * perTrip,
      server: (cpuMs(server.pid) - s0) * perTrip,
      client: (cpuMs(client.pid) - c0) * perTrip,
    };
  } finally {
    await client?.kill();
    await server.kill();
  }
}

const pairs =
  transport === 'conn'
    ? ['node', ...measured.map((e) => e.id), ...(PYTHON === null ? [] : ['python'])].map((s) => [s, 'client'])
    : [
        ['node', 'node'],
        ...measured.flatMap((e) => [
          [e.id, 'node'],
          ['node', e.id],
        ]),
        ...(PYTHON === null
          ? []
          : [
              ['python', 'node'],
              ['node', 'python'],
            ]),
      ];
const runs = new Map(pairs.map((p) => [p.join('/'), []]));
for (let round = 0; round < Number(roundsText); round++) {
  for (const [s, c] of pairs) runs.get(`${s}/${c}`).push(await once(s, c));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)].toFixed(1);
process.stdout.write(
  `${transport.toUpperCase()}, ${count.toLocaleString('en-US')} ${transport === 'conn' ? 'connections' : 'round trips'}, median of ${roundsText}, µs per ${transport === 'conn' ? 'connection' : 'round trip'}:\n`,
);
for (const [key, rs] of runs) {
  const [s, c] = key.split('/');
  process.stdout.write(
    `  ${s} server, ${c} client: ${median(rs.map((r) => r.trip))} elapsed; server CPU ${median(rs.map((r) => r.server))}, client CPU ${median(rs.map((r) => r.client))}\n`,
  );
}
