/**
 * Measurement 6: memory per held connection. A server accepts connections and keeps them open:
 * test/bench/hold-server.sock (one row per engine) against raw Node and Python doing the same. Each
 * run reads a server's RSS holding COUNT connections and again holding twice as many, and the value
 * is the difference per connection: what one more connection costs in the steady state. The first
 * few hundred connections also pay for the code the server compiles and the heap it grows while it
 * warms up; growth from the RSS at ready, measured before, counted that too (a bundle that starts
 * leaner read as 18 KiB per connection, against 6–8 here).
 * Its peak RSS (VmHWM) and its RSS when ready are reported beside it.
 */
import { BENCH, NODE, PYTHON, engineContenders, freePort, procStatusKiB, sockshell, start } from './lib.mjs';

const READY = 'The server is ready to receive';

/**
 * KiB per connection: one server's RSS holding 2 × count connections less its RSS holding count, per
 * connection more (one process at both points: RSS differs more between two processes than this).
 * pickPort: where the server listens (ab.mjs takes its ports from a range of its own); onFirst runs
 * at the first reading.
 */
export async function hold(startServer, count, pickPort = () => freePort('tcp'), onFirst = () => undefined) {
  const port = await pickPort();
  const server = startServer(port, count);
  let clients = null;
  try {
    await server.line(READY, 15_000);
    const ready = procStatusKiB(server.pid, 'VmRSS');
    clients = start(NODE, [`${BENCH}peers/node-hold.mjs`, 'clients', String(port), String(count)], { stdin: 'pipe' });
    await clients.line('holding', 60_000);
    await server.line('holding', 60_000);
    const once = procStatusKiB(server.pid, 'VmRSS');
    onFirst();
    clients.input('more\n');
    await clients.line('holding twice', 60_000);
    await server.line('holding twice', 60_000);
    const twice = procStatusKiB(server.pid, 'VmRSS');
    const peak = procStatusKiB(server.pid, 'VmHWM');
    if (ready === null || once === null || twice === null || peak === null) throw new Error('the server exited');
    return { value: (twice - once) / count, extra: { peakMiB: peak / 1024, baseMiB: ready / 1024 } };
  } finally {
    await clients?.kill();
    await server.kill();
  }
}

export function memory(count) {
  return {
    id: 'memory',
    title: `Memory: a server holding ${count.toLocaleString('en-US')}, then ${(2 * count).toLocaleString('en-US')} accepted TCP connections`,
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
      { a: 'fallback', b: 'node', target: { max: 1.5 } },
      { a: 'native', b: 'python' },
      { a: 'loop', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}
