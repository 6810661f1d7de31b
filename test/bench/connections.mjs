/**
 * Measurement 3: TCP connections per second. COUNT sequential clients, each the textbook's TCPClient
 * (connect, send, recv, close), against three servers of TCPServer's shape: scripts/TCPServer.sock,
 * raw node:net, and TCPServer.py. The client is the same for all three (Python's, or raw Node's
 * without python3), so the servers alone differ; it reports each connection's latency (p50, p99).
 * A second measurement swaps the roles: the shell's client against a raw Node server.
 */
import { BENCH, NODE, PEERS, PYTHON, ROOT, freePort, pinned, sockshell, start, timedLoop } from './lib.mjs';

const READY = 'The server is ready to receive';
const LIMIT_MS = 120_000;

function latencies(lines) {
  const line = lines.find((l) => l.text.startsWith('latency '));
  if (!line) return {};
  const [p50, p99, max] = line.text.split(' ').slice(1).map(Number);
  return { p50Ms: p50, p99Ms: p99, maxMs: max };
}

async function run(startServer, startClient, count) {
  const port = await freePort('tcp');
  const server = startServer(port);
  try {
    await server.line(READY, 15_000);
    const { seconds, lines } = await timedLoop(startClient(port, count), LIMIT_MS);
    return { value: count / seconds, extra: latencies(lines) };
  } finally {
    await server.kill();
  }
}

const servers = {
  sockshell: (port) => sockshell(`${ROOT}scripts/TCPServer.sock`, { serverPort: port }, pinned),
  node: (port) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'server', String(port)], pinned),
  python: (port) => start(PYTHON, [`${PEERS}TCPServer.py`, String(port)], pinned),
};

const python = PYTHON !== null;
const driver = python
  ? (port, count) => start(PYTHON, [`${BENCH}peers/py_conn.py`, String(port), String(count)], pinned)
  : (port, count) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'client', String(port), String(count)], pinned);

const EXTRAS = [
  { key: 'p50Ms', label: 'p50 ms' },
  { key: 'p99Ms', label: 'p99 ms' },
];

export function connections(count) {
  const n = count.toLocaleString('en-US');
  const contender = (id, label, available = true) => ({ id, label, available, run: () => run(servers[id], driver, count) });
  return {
    id: 'tcp-conn',
    title: `TCP connections: ${n} sequential ${python ? 'Python' : 'raw Node'} clients against`,
    unit: 'connections/s',
    better: 'higher',
    extras: EXTRAS,
    contenders: [
      contender('sockshell', 'scripts/TCPServer.sock'),
      contender('node', 'raw node:net server'),
      contender('python', 'TCPServer.py', python),
    ],
    ratios: [
      { a: 'sockshell', b: 'node', target: { min: 0.9 } },
      { a: 'sockshell', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}

/** The shell as the client: conn-client.sock against a raw Node server, and raw Node's client against it. */
export function clientConnections(count) {
  const nodeServer = servers.node;
  const clients = {
    sockshell: (port, c) => sockshell(`${BENCH}conn-client.sock`, { serverPort: port, count: c }, pinned),
    node: (port, c) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'client', String(port), String(c)], pinned),
    python: (port, c) => start(PYTHON, [`${BENCH}peers/py_conn.py`, String(port), String(c)], pinned),
  };
  return {
    id: 'tcp-conn-client',
    title: `TCP connections: ${count.toLocaleString('en-US')} sequential clients against a raw Node server, from`,
    unit: 'connections/s',
    better: 'higher',
    extras: EXTRAS,
    contenders: [
      { id: 'sockshell', label: 'test/bench/conn-client.sock', available: true, run: () => run(nodeServer, clients.sockshell, count) },
      { id: 'node', label: 'raw node:net client', available: true, run: () => run(nodeServer, clients.node, count) },
      { id: 'python', label: 'Python TCPClient in a loop', available: python, run: () => run(nodeServer, clients.python, count) },
    ],
    ratios: [
      { a: 'sockshell', b: 'node' },
      { a: 'node', b: 'python' },
    ],
  };
}
