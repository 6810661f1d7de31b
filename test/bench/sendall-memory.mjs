/**
 * Measurement: peak memory of a sendall to a peer that never reads (issue 14). sendall of `mib` MiB
 * under a timeout (2 s), over plain TCP or TLS, by test/bench/sendall-stalled.sock (a row per engine)
 * and by Python (peers/py_sendall.py), each against peers/py_stall.py. The value is the sender's peak
 * RSS (VmHWM, from /usr/bin/time). The data itself is zeros that nothing touches (Python's bytes(n),
 * the shell's pack), so what is measured is what the sending holds: sendall used to hand all of it to
 * Node, whose TLS layer encrypted it into its own buffer at once (a 200 MB sendall over TLS peaked at
 * 244 MiB); now it waits with at most a piece beyond what the kernel took, as Python's blocks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH, NODE, PYTHON, engineContenders, has, start } from './lib.mjs';

const TIME = '/usr/bin/time';

/** A self-signed certificate for the TLS peer, made once per run. */
function certificate() {
  const dir = mkdtempSync(join(tmpdir(), 'sockshell-bench-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
    {
      stdio: 'ignore',
    },
  );
  return { dir, cert, key };
}

/** Runs `sender(port)` (a command line) under /usr/bin/time against a fresh stalled peer; its peak RSS in MiB. */
async function peak(sender, tls, env = {}) {
  const peer = start(PYTHON, [`${BENCH}peers/py_stall.py`, ...(tls === null ? [] : [tls.cert, tls.key])]);
  try {
    const ready = await peer.line('ready', 15_000);
    const port = ready.text.split(' ')[1];
    const [command, ...args] = sender(port);
    const proc = start(TIME, ['-f', 'peak %M KiB', command, ...args], { env });
    const exit = await proc.wait(60_000);
    const kib = /peak (\d+) KiB/.exec(proc.stderr());
    if (kib === null) throw new Error(`no peak RSS (exit ${exit.code ?? exit.signal}): ${proc.stderr()}`);
    if (!/timed out|ETIMEDOUT/.test(proc.lines.map((l) => l.text).join('\n') + proc.stderr()))
      throw new Error(`the sendall did not time out against a peer that never reads: ${proc.stderr()}`);
    return { value: Number(kib[1]) / 1024 };
  } finally {
    await peer.kill();
  }
}

/** seconds: sendall's timeout (settimeout), what each run lasts. */
export function sendallMemory(kind, mib, seconds = 2) {
  const size = mib * 1024 * 1024;
  let tls = null;
  const over = () => (kind === 'tls' ? tls : null);
  return {
    id: `sendall-memory-${kind}`,
    title: `Memory: sendall of ${mib} MiB over ${kind.toUpperCase()} to a peer that never reads (${seconds} s timeout)`,
    unit: 'MiB peak RSS',
    better: 'lower',
    setup: () => {
      if (kind === 'tls' && tls === null) tls = certificate();
    },
    teardown: () => {
      if (tls !== null) rmSync(tls.dir, { recursive: true, force: true });
      tls = null;
    },
    contenders: [
      ...engineContenders(
        'test/bench/sendall-stalled.sock',
        (engine) => () =>
          peak(
            (port) => [
              NODE,
              engine.cli,
              'run',
              `${BENCH}sendall-stalled.sock`,
              `serverPort=${port}`,
              `size=${size}`,
              `seconds=${seconds}`,
              `tls=${kind === 'tls' ? 1 : 0}`,
            ],
            over(),
            engine.env,
          ),
      ),
      {
        id: 'python',
        label: `Python sendall (${kind === 'tls' ? 'ssl' : 'socket'})`,
        available: PYTHON !== null && has(TIME) && (kind === 'tcp' || spawnSync('openssl', ['version']).status === 0),
        missing: 'python3, /usr/bin/time or openssl is not installed',
        run: () => peak((port) => [PYTHON, `${BENCH}peers/py_sendall.py`, port, String(size), String(seconds), kind], over()),
      },
    ],
    ratios: [
      { a: 'native', b: 'python' },
      { a: 'loop', b: 'python' },
      { a: 'fallback', b: 'python' },
    ],
  };
}
