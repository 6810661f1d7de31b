/**
 * Measurements 1 and 2: sequential request/response round trips, UDP (sendto + recvfrom) and TCP
 * (send + recv on one connection). Each contender is a pair, client and server of one kind: the
 * shell's client script against the shell's server script (one row per engine), raw Node against raw
 * Node, and the textbook's Python against Python. Every run starts fresh processes on a fresh port.
 * Each client first makes `warmup` round trips (V8 compiles the hot paths meanwhile) and then prints
 * "start": the rate is the steady state's, not the warm-up's.
 */
import { BENCH, NODE, PEERS, PYTHON, ROOT, engineContenders, freePort, pinned, sockshell, start, timedLoop } from './lib.mjs';

const READY = 'The server is ready to receive';
const LIMIT_MS = 300_000;

/** Starts `server`, runs `client` against it, and returns round trips per second. */
async function pair(transport, startServer, startClient, count, warmup) {
  const port = await freePort(transport);
  const server = startServer(port);
  try {
    await server.line(READY, 15_000);
    const { seconds } = await timedLoop(startClient(port, count, warmup), LIMIT_MS);
    return { value: count / seconds };
  } finally {
    await server.kill();
  }
}

const serverScripts = { udp: `${ROOT}scripts/UDPServer.sock`, tcp: `${BENCH}tcp-server.sock` };

const servers = {
  udp: {
    node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, 'udp-server', String(port)], pinned),
    python: (port) => start(PYTHON, [`${PEERS}UDPServer.py`, String(port)], pinned),
  },
  tcp: {
    node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, 'tcp-server', String(port)], pinned),
    python: (port) => start(PYTHON, [`${BENCH}peers/py_rt.py`, 'tcp-server', String(port)], pinned),
  },
};

const clients = {
  node: (transport) => (port, count, warmup) =>
    start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-client`, String(port), String(count), String(warmup)], pinned),
  python: (transport) => (port, count, warmup) =>
    start(PYTHON, [`${BENCH}peers/py_rt.py`, `${transport}-client`, String(port), String(count), String(warmup)], pinned),
};

export function roundTrips(transport, count, warmup) {
  const label = transport === 'udp' ? 'UDP round trips (sendto + recvfrom)' : 'TCP round trips, one connection (send + recv)';
  const serverScript = serverScripts[transport].replace(ROOT, '');
  const contender = (id, text, available, missing) => ({
    id,
    label: text,
    available,
    missing,
    run: () => pair(transport, servers[transport][id], clients[id](transport), count, warmup),
  });
  const shell = (engine) => () =>
    pair(
      transport,
      (port) => sockshell(serverScripts[transport], { serverPort: port }, pinned, engine),
      (port, n, w) => sockshell(`${BENCH}${transport}-client.sock`, { serverPort: port, count: n, warmup: w }, pinned, engine),
      count,
      warmup,
    );
  return {
    id: `${transport}-rt`,
    title: `${label}: ${count.toLocaleString('en-US')} sequential after ${warmup.toLocaleString('en-US')} to warm up`,
    unit: 'round trips/s',
    better: 'higher',
    contenders: [
      ...engineContenders(`${transport}-client.sock ↔ ${serverScript}`, shell),
      contender('node', `raw node:${transport === 'udp' ? 'dgram' : 'net'} pair`, true, ''),
      contender('python', 'textbook Python pair', PYTHON !== null, 'python3 is not installed'),
    ],
    ratios: [
      { a: 'native', b: 'python', target: { min: 1.0 } },
      { a: 'loop', b: 'python' },
      { a: 'node', b: 'python' },
      { a: 'loop', b: 'node' },
      // Issue 16's fallback target: the process without the addon, against raw Node doing the same work.
      { a: 'fallback', b: 'python' },
      { a: 'fallback', b: 'node', target: { min: 0.9 } },
    ],
  };
}
