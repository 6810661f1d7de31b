/**
 * Measurements 1 and 2: sequential request/response round trips, UDP (sendto + recvfrom) and TCP
 * (send + recv on one connection). Each contender is a pair, client and server of one kind: the
 * shell's client script against the shell's server script, raw Node against raw Node, and the
 * textbook's Python against Python. Every run starts fresh processes on a fresh port.
 */
import { BENCH, NODE, PEERS, PYTHON, ROOT, freePort, pinned, sockshell, start, timedLoop } from './lib.mjs';

const READY = 'The server is ready to receive';
const LIMIT_MS = 120_000;

/** Starts `server`, runs `client` against it, and returns round trips per second. */
async function pair(transport, startServer, startClient, count) {
  const port = await freePort(transport);
  const server = startServer(port);
  try {
    await server.line(READY, 15_000);
    const { seconds } = await timedLoop(startClient(port, count), LIMIT_MS);
    return { value: count / seconds };
  } finally {
    await server.kill();
  }
}

const servers = {
  udp: {
    sockshell: (port) => sockshell(`${ROOT}scripts/UDPServer.sock`, { serverPort: port }, pinned),
    node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, 'udp-server', String(port)], pinned),
    python: (port) => start(PYTHON, [`${PEERS}UDPServer.py`, String(port)], pinned),
  },
  tcp: {
    sockshell: (port) => sockshell(`${BENCH}tcp-server.sock`, { serverPort: port }, pinned),
    node: (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, 'tcp-server', String(port)], pinned),
    python: (port) => start(PYTHON, [`${BENCH}peers/py_rt.py`, 'tcp-server', String(port)], pinned),
  },
};

const clients = {
  sockshell: (transport) => (port, count) => sockshell(`${BENCH}${transport}-client.sock`, { serverPort: port, count }, pinned),
  node: (transport) => (port, count) =>
    start(NODE, [`${BENCH}peers/node-rt.mjs`, `${transport}-client`, String(port), String(count)], pinned),
  python: (transport) => (port, count) =>
    start(PYTHON, [`${BENCH}peers/py_rt.py`, `${transport}-client`, String(port), String(count)], pinned),
};

export function roundTrips(transport, count) {
  const label = transport === 'udp' ? 'UDP round trips (sendto + recvfrom)' : 'TCP round trips, one connection (send + recv)';
  const serverScript = transport === 'udp' ? 'scripts/UDPServer.sock' : 'test/bench/tcp-server.sock';
  const contender = (id, text, available = true) => ({
    id,
    label: text,
    available,
    run: () => pair(transport, servers[transport][id], clients[id](transport), count),
  });
  return {
    id: `${transport}-rt`,
    title: `${label}: ${count.toLocaleString('en-US')} sequential`,
    unit: 'round trips/s',
    better: 'higher',
    contenders: [
      contender('sockshell', `sockshell ${transport}-client.sock ↔ ${serverScript}`),
      contender('node', `raw node:${transport === 'udp' ? 'dgram' : 'net'} pair`),
      contender('python', 'textbook Python pair', PYTHON !== null),
    ],
    ratios: [
      { a: 'sockshell', b: 'node', target: { min: 0.9 } },
      { a: 'sockshell', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}
