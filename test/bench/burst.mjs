/**
 * Issue 14's UDP burst: CLIENTS textbook UDPClients released at once (threads of peers/py_burst.py,
 * each one sendto and one recvfrom) against scripts/UDPServer.sock and the textbook's UDPServer.py.
 * The value is the fraction answered: a server that reads the kernel too slowly loses datagrams to a
 * full receive buffer (netstat's RcvbufErrors). Target: the shell's fraction ≥ 0.99, as Python's.
 * Needs python3 (the clients); without it the row is skipped.
 */
import { BENCH, NODE, PEERS, PYTHON, ROOT, engineContenders, freePort, pinned, sockshell, start } from './lib.mjs';

const READY = 'The server is ready to receive';
const LIMIT_MS = 120_000;

async function burst(startServer, clients) {
  const port = await freePort('udp');
  const server = startServer(port);
  try {
    await server.line(READY, 15_000);
    const driver = start(PYTHON, [`${BENCH}peers/py_burst.py`, String(port), String(clients)]);
    try {
      const line = await driver.line('answered ', LIMIT_MS);
      const [answered, of] = line.text
        .split(' ')
        .slice(1, 4)
        .filter((w) => w !== 'of')
        .map(Number);
      return { value: answered / of };
    } finally {
      await driver.kill();
    }
  } finally {
    await server.kill();
  }
}

const shellServer = (engine) => (port) => sockshell(`${ROOT}scripts/UDPServer.sock`, { serverPort: port }, pinned, engine);
const pythonServer = (port) => start(PYTHON, [`${PEERS}UDPServer.py`, String(port)], pinned);
/** Raw Node's UDPServer ('message' events, one send each): the floor for the event-loop engines. */
const nodeServer = (port) => start(NODE, [`${BENCH}peers/node-rt.mjs`, 'udp-server', String(port)], pinned);

export function udpBurst(clients) {
  const available = PYTHON !== null;
  return {
    id: 'udp-burst',
    title: `UDP burst: ${clients.toLocaleString('en-US')} textbook clients at once, fraction answered by`,
    unit: 'answered',
    better: 'higher',
    contenders: [
      ...engineContenders('scripts/UDPServer.sock', (engine) => () => burst(shellServer(engine), clients)).map((c) => ({
        ...c,
        available: c.available && available,
        missing: available ? c.missing : 'python3 is not installed',
      })),
      { id: 'node', label: 'raw node:dgram server', available, missing: 'python3 is not installed', run: () => burst(nodeServer, clients) },
      { id: 'python', label: 'UDPServer.py', available, missing: 'python3 is not installed', run: () => burst(pythonServer, clients) },
    ],
    ratios: [
      { a: 'native', b: 'python', target: { min: 0.99 } },
      { a: 'loop', b: 'python', target: { min: 0.99 } },
      { a: 'fallback', b: 'python', target: { min: 0.99 } },
      { a: 'node', b: 'python' },
      { a: 'loop', b: 'node' },
      { a: 'fallback', b: 'node' },
    ],
  };
}
