/**
 * Measurement 4: bulk transfer over loopback. One file of SIZE bytes (in the page cache after the
 * first round) goes from a sender to a receiver that writes it to /dev/null: sockshell's sendfile
 * and recvfile (one row per engine), Python's socket.sendfile and a recv loop, nc, socat with a
 * 128 KiB buffer (`-b 131072`: its 8 KiB default would handicap it), and a raw Node stream.pipe().
 * The receiver listens first. The rate is timed from the moment the sender starts sending until both
 * have exited: the sockshell, Python and Node senders print "start" after connecting (their start-up
 * is the start-up measurement's business, as for round trips); nc and socat print nothing and are
 * timed from their spawn, as their start-up is a millisecond or two; `sockshell connect < file` →
 * `sockshell listen > /dev/null` (nc's own job, a row per engine) from its `# connected to` line on
 * stderr. The rate from spawn is kept as well.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH, ENGINES, NODE, PYTHON, engineContenders, freePort, has, sockshell, start, waitListening } from './lib.mjs';

const READY = 'The server is ready to receive';
/** sockshell connect's line on stderr once connected: the start of its transfer, as the scripts' "start". */
const CONNECTED = '# connected to';
/** sockshell listen's line on stderr once it listens. */
const LISTENING = '# listening on';
const LIMIT_MS = 180_000;
/** socat's buffer: at its 8 KiB default it makes 16 times the system calls nc does. */
const SOCAT_BUFFER = '131072';

/** A file of mib MiB: one random MiB, repeated (nothing on the way compresses). */
function makeFile(dir, mib) {
  const file = join(dir, 'bulk.bin');
  const block = randomBytes(1024 * 1024);
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < mib; i++) writeFileSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Starts the receiver, waits until it listens, then times the sender until both have exited. */
async function transfer(startReceiver, ready, startSender, bytes) {
  const port = await freePort('tcp');
  const receiver = startReceiver(port);
  let sender = null;
  try {
    await ready(receiver, port);
    sender = startSender(port);
    const [got, sent] = await Promise.all([receiver.wait(LIMIT_MS), sender.wait(LIMIT_MS)]);
    for (const [who, proc, exit] of [
      ['receiver', receiver, got],
      ['sender', sender, sent],
    ]) {
      if (exit.code !== 0) throw new Error(`${who} exited with ${exit.code ?? exit.signal}: ${proc.stderr()}`);
    }
    const end = Math.max(got.at, sent.at);
    const began =
      (sender.lines.find((l) => l.text === 'start') ?? sender.errLines.find((l) => l.text.startsWith(CONNECTED)))?.at ?? sender.spawnedAt;
    const mib = bytes / 2 ** 20;
    return { value: mib / ((end - began) / 1000), extra: { fromSpawn: mib / ((end - sender.spawnedAt) / 1000) } };
  } finally {
    await sender?.kill();
    await receiver.kill();
  }
}

export function bulk(mib) {
  const bytes = mib * 2 ** 20;
  let dir = null;
  let file = null;
  let devnull = null;
  const printsReady = (proc) => proc.line(READY, 15_000);
  const listens = (_proc, port) => waitListening(port, 15_000);
  const shell = (engine) => () =>
    transfer(
      (port) => sockshell(`${BENCH}bulk-recv.sock`, { serverPort: port, out: '/dev/null', size: bytes }, {}, engine),
      printsReady,
      (port) => sockshell(`${BENCH}bulk-send.sock`, { serverPort: port, file }, {}, engine),
      bytes,
    );
  /** sockshell connect < file → sockshell listen > /dev/null, nc's own job, on one engine (its bulk path, or the event loop's). */
  const cli = (engine) => () =>
    transfer(
      (port) => start(NODE, [engine.cli, 'listen', '127.0.0.1', String(port)], { stdout: devnull, env: engine.env }),
      (proc) => proc.line(LISTENING, 15_000, true),
      (port) =>
        start(NODE, [engine.cli, 'connect', '127.0.0.1', String(port)], { stdin: openSync(file, 'r'), stdout: devnull, env: engine.env }),
      bytes,
    );
  const contenders = {
    python: () =>
      transfer(
        (port) => start(PYTHON, [`${BENCH}peers/py_bulk.py`, 'recv', String(port), '/dev/null']),
        printsReady,
        (port) => start(PYTHON, [`${BENCH}peers/py_bulk.py`, 'send', String(port), file]),
        bytes,
      ),
    nc: () =>
      transfer(
        (port) => start('nc', ['-d', '-l', '127.0.0.1', String(port)], { stdout: devnull }),
        listens,
        (port) => start('nc', ['-N', '127.0.0.1', String(port)], { stdin: openSync(file, 'r'), stdout: devnull }),
        bytes,
      ),
    socat: () =>
      transfer(
        (port) =>
          start('socat', ['-b', SOCAT_BUFFER, '-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'OPEN:/dev/null'], { stdout: devnull }),
        listens,
        (port) => start('socat', ['-b', SOCAT_BUFFER, '-u', `OPEN:${file}`, `TCP:127.0.0.1:${port}`], { stdout: devnull }),
        bytes,
      ),
    node: () =>
      transfer(
        (port) => start(NODE, [`${BENCH}peers/node-bulk.mjs`, 'recv', String(port), '/dev/null']),
        printsReady,
        (port) => start(NODE, [`${BENCH}peers/node-bulk.mjs`, 'send', String(port), file]),
        bytes,
      ),
  };
  const contender = (id, label, available, missing = `${id} is not installed`) => ({ id, label, available, missing, run: contenders[id] });
  return {
    id: 'bulk',
    title: `Bulk: ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} over loopback to /dev/null`,
    unit: 'MiB/s',
    better: 'higher',
    extras: [{ key: 'fromSpawn', label: 'MiB/s from spawn' }],
    setup() {
      dir = mkdtempSync(join(tmpdir(), 'sockshell-bench-'));
      file = makeFile(dir, mib);
      devnull = openSync('/dev/null', 'w');
    },
    teardown() {
      if (devnull !== null) closeSync(devnull);
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    },
    contenders: [
      ...engineContenders('sendfile → recvfile', shell),
      ...ENGINES.map((e) => ({
        id: `cli-${e.id}`,
        label: `sockshell connect < file → listen > /dev/null (${e.label})`,
        available: e.available,
        missing: e.missing,
        run: cli(e),
      })),
      contender('python', 'Python socket.sendfile → recv loop', PYTHON !== null, 'python3 is not installed'),
      contender('nc', 'nc (OpenBSD) → nc', has('nc')),
      contender('socat', `socat → socat (-b ${SOCAT_BUFFER})`, has('socat')),
      contender('node', 'raw Node stream.pipe()', true),
    ],
    ratios: [
      { a: 'native', b: 'nc', target: { min: 1.5 } },
      { a: 'loop', b: 'nc' },
      { a: 'cli-native', b: 'nc', target: { min: 1.5 } },
      { a: 'cli-native', b: 'socat' },
      { a: 'cli-loop', b: 'nc' },
      { a: 'cli-loop', b: 'socat' },
      { a: 'fallback', b: 'nc' },
      { a: 'cli-fallback', b: 'nc' },
      { a: 'native', b: 'python' },
      { a: 'loop', b: 'python' },
      { a: 'fallback', b: 'python' },
      { a: 'nc', b: 'python' },
      { a: 'socat', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}
