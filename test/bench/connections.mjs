/**
 * Measurement 3: TCP connections per second. COUNT sequential clients, each the textbook's TCPClient
 * (connect, send, recv, close), against servers of TCPServer's shape: scripts/TCPServer.sock (one row
 * per engine), raw node:net, and TCPServer.py. The client is the same for all of them (Python's, or
 * raw Node's without python3), so the servers alone differ; it reports each connection's latency
 * (p50, p99). WARMUP clients go first and are not timed. A second measurement swaps the roles: the
 * shell's client against a raw Node server.
 */
import { BENCH, NODE, PEERS, PYTHON, ROOT, engineContenders, freePort, pinned, sockshell, start, timedLoop } from './lib.mjs';

const READY = 'The server is ready to receive';
const LIMIT_MS = 300_000;

function latencies(lines) {
  const line = lines.find((l) => l.text.startsWith('latency '));
  if (!line) return {};
  const [p50, p99, max] = line.text.split(' ').slice(1).map(Number);
  return { p50Ms: p50, p99Ms: p99, maxMs: max };
}

async function run(startServer, startClient, count, warmup) {
  const port = await freePort('tcp');
  const server = startServer(port);
  try {
    await server.line(READY, 15_000);
    const { seconds, lines } = await timedLoop(startClient(port, count, warmup), LIMIT_MS);
    return { value: count / seconds, extra: latencies(lines) };
  } finally {
    await server.kill();
  }
}

const servers = {
  node: (port) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'server', String(port)], pinned),
  python: (port) => start(PYTHON, [`${PEERS}TCPServer.py`, String(port)], pinned),
};
const shellServer = (engine) => (port) => sockshell(`${ROOT}scripts/TCPServer.sock`, { serverPort: port }, pinned, engine);

const python = PYTHON !== null;
const driver = python
  ? (port, count, warmup) => start(PYTHON, [`${BENCH}peers/py_conn.py`, String(port), String(count), String(warmup)], pinned)
  : (port, count, warmup) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'client', String(port), String(count), String(warmup)], pinned);

const EXTRAS = [
  { key: 'p50Ms', label: 'p50 ms' },
  { key: 'p99Ms', label: 'p99 ms' },
];

const counted = (count, warmup) => `${count.toLocaleString('en-US')} sequential (after ${warmup.toLocaleString('en-US')})`;

export function connections(count, warmup) {
  return {
    id: 'tcp-conn',
    title: `TCP connections: ${counted(count, warmup)} ${python ? 'Python' : 'raw Node'} clients against`,
    unit: 'connections/s',
    better: 'higher',
    extras: EXTRAS,
    contenders: [
      ...engineContenders('scripts/TCPServer.sock', (engine) => () => run(shellServer(engine), driver, count, warmup)),
      { id: 'node', label: 'raw node:net server', available: true, run: () => run(servers.node, driver, count, warmup) },
      {
        id: 'python',
        label: 'TCPServer.py',
        available: python,
        missing: 'python3 is not installed',
        run: () => run(servers.python, driver, count, warmup),
      },
    ],
    ratios: [
      { a: 'native', b: 'python', target: { min: 0.7 } },
      { a: 'loop', b: 'python' },
      { a: 'node', b: 'python' },
      { a: 'loop', b: 'node' },
      { a: 'fallback', b: 'python' },
      { a: 'fallback', b: 'node' },
    ],
  };
}

/** The shell as the client: conn-client.sock against a raw Node server, beside raw Node's and Python's clients. */
export function clientConnections(count, warmup) {
  const clients = {
    node: (port, c, w) => start(NODE, [`${BENCH}peers/node-conn.mjs`, 'client', String(port), String(c), String(w)], pinned),
    python: (port, c, w) => start(PYTHON, [`${BENCH}peers/py_conn.py`, String(port), String(c), String(w)], pinned),
  };
  const shellClient = (engine) => (port, c, w) =>
    sockshell(`${BENCH}conn-client.sock`, { serverPort: port, count: c, warmup: w }, pinned, engine);
  return {
    id: 'tcp-conn-client',
    title: `TCP connections: ${counted(count, warmup)} clients against a raw Node server, from`,
    unit: 'connections/s',
    better: 'higher',
    extras: EXTRAS,
    contenders: [
      ...engineContenders('test/bench/conn-client.sock', (engine) => () => run(servers.node, shellClient(engine), count, warmup)),
      { id: 'node', label: 'raw node:net client', available: true, run: () => run(servers.node, clients.node, count, warmup) },
      {
        id: 'python',
        label: 'Python TCPClient in a loop',
        available: python,
        missing: 'python3 is not installed',
        run: () => run(servers.node, clients.python, count, warmup),
      },
    ],
    ratios: [
      { a: 'native', b: 'python' },
      { a: 'loop', b: 'python' },
      { a: 'node', b: 'python' },
      { a: 'loop', b: 'node' },
      { a: 'fallback', b: 'python' },
      { a: 'fallback', b: 'node' },
    ],
  };
}
