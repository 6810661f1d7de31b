/**
 * Measurement 6: memory per held connection. A server accepts COUNT connections and keeps them open:
 * test/bench/hold-server.sock (one row per engine) against raw Node and Python doing the same. The value is the growth of the
 * server's RSS from ready to holding, per connection; its peak RSS (VmHWM) is reported beside it.
 */
import { BENCH, NODE, PYTHON, engineContenders, freePort, procStatusKiB, sockshell, start } from './lib.mjs';

const READY = 'The server is ready to receive';

async function hold(startServer, count) {
  const port = await freePort('tcp');
  const server = startServer(port, count);
  let clients = null;
  try {
    await server.line(READY, 15_000);
    const before = procStatusKiB(server.pid, 'VmRSS');
    clients = start(NODE, [`${BENCH}peers/node-hold.mjs`, 'clients', String(port), String(count)]);
    await clients.line('holding', 60_000);
    await server.line('holding', 60_000);
    const after = procStatusKiB(server.pid, 'VmRSS');
    const peak = procStatusKiB(server.pid, 'VmHWM');
    if (before === null || after === null || peak === null) throw new Error('the server exited');
    return { value: (after - before) / count, extra: { peakMiB: peak / 1024, baseMiB: before / 1024 } };
  } finally {
    await clients?.kill();
    await server.kill();
  }
}

export function memory(count) {
  return {
    id: 'memory',
    title: `Memory: a server holding ${count.toLocaleString('en-US')} accepted TCP connections`,
    unit: 'KiB per connection',
    better: 'lower',
    extras: [
      { key: 'peakMiB', label: 'peak RSS MiB' },
      { key: 'baseMiB', label: 'RSS when ready MiB' },
    ],
    contenders: [
      ...engineContenders(
        'test/bench/hold-server.sock',
        (engine) => () => hold((port, n) => sockshell(`${BENCH}hold-server.sock`, { serverPort: port, count: n }, {}, engine), count),
      ),
      {
        id: 'node',
        label: 'raw node:net server',
        available: true,
        run: () => hold((port, n) => start(NODE, [`${BENCH}peers/node-hold.mjs`, 'server', String(port), String(n)]), count),
      },
      {
        id: 'python',
        label: 'Python accept loop keeping each socket',
        available: PYTHON !== null,
        missing: 'python3 is not installed',
        run: () => hold((port, n) => start(PYTHON, [`${BENCH}peers/py_hold.py`, String(port), String(n)]), count),
      },
    ],
    ratios: [
      { a: 'native', b: 'node', target: { max: 1.5 } },
      { a: 'loop', b: 'node', target: { max: 1.5 } },
      { a: 'native', b: 'python' },
      { a: 'loop', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}
