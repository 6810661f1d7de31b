/**
 * Measurement 6: memory per held connection. A server accepts connections and keeps them open:
 * test/bench/hold-server.sock (one row per engine) against raw Node and Python doing the same. Each
 * run holds COUNT connections, then twice as many, and the value is the slope of the server's RSS
 * against the connections it holds (its open descriptors) while the second COUNT arrive, sampled every
 * few milliseconds: what one more connection costs in the steady state. The first few hundred
 * connections also pay for the code the server compiles and the heap it grows while it warms up, so
 * the slope starts at COUNT held. The difference of two readings (RSS at 2 × COUNT less RSS at COUNT,
 * per connection) is reported beside it: it moves with where V8's collections fall next to the two
 * readings (a mark-compact just before the first reads as ~2 KiB more per connection, as much as the
 * figure itself), where the slope averages over the saw-tooth.
 * Its peak RSS (VmHWM) and its RSS when ready are reported beside it.
 */
import { readdirSync } from 'node:fs';
import { BENCH, NODE, PYTHON, engineContenders, freePort, procStatusKiB, sockshell, start } from './lib.mjs';

const READY = 'The server is ready to receive';

/**
 * KiB per connection of one server (one process throughout: RSS differs more between two processes
 * than this): the slope of RSS against descriptors held from count to 2 × count connections, and the
 * difference of the readings at both, per connection more. pickPort: where the server listens
 * (ab.mjs takes its ports from a range of its own).
 */
export async function hold(startServer, count, pickPort = () => freePort('tcp')) {
  const port = await pickPort();
  const server = startServer(port, count);
  let clients = null;
  const samples = [];
  let timer = null;
  try {
    await server.line(READY, 15_000);
    const ready = procStatusKiB(server.pid, 'VmRSS');
    clients = start(NODE, [`${BENCH}peers/node-hold.mjs`, 'clients', String(port), String(count)], { stdin: 'pipe' });
    await clients.line('holding', 60_000);
    await server.line('holding', 60_000);
    const once = procStatusKiB(server.pid, 'VmRSS');
    sample(server.pid, samples);
    timer = setInterval(() => sample(server.pid, samples), 5);
    clients.input('more\n');
    await clients.line('holding twice', 60_000);
    await server.line('holding twice', 60_000);
    sample(server.pid, samples);
    const twice = procStatusKiB(server.pid, 'VmRSS');
    const peak = procStatusKiB(server.pid, 'VmHWM');
    if (ready === null || once === null || twice === null || peak === null) throw new Error('the server exited');
    if (samples.length < 3) throw new Error(`only ${samples.length} samples of RSS: too few for a slope`);
    return {
      value: slope(samples),
      extra: { differenceKiB: (twice - once) / count, samples: samples.length, peakMiB: peak / 1024, baseMiB: ready / 1024 },
    };
  } finally {
    clearInterval(timer);
    await clients?.kill();
    await server.kill();
  }
}

/** [descriptors open, RSS KiB] of the process now, into samples; nothing once it is gone. */
function sample(pid, samples) {
  const rss = procStatusKiB(pid, 'VmRSS');
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return;
  }
  if (rss !== null) samples.push([fds, rss]);
}

/** The least-squares slope of y against x over [x, y] pairs. */
export function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

export function memory(count) {
  return {
    id: 'memory',
    title: `Memory: a server holding ${count.toLocaleString('en-US')}, then ${(2 * count).toLocaleString('en-US')} accepted TCP connections`,
    unit: 'KiB per connection (slope)',
    better: 'lower',
    extras: [
      { key: 'differenceKiB', label: 'difference KiB' },
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
