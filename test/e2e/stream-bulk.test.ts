import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/proc.js';
import { HANG_MS, waitFor } from '../helpers/wait.js';

/**
 * Issue 16: `sockshell connect` / `listen` move bulk bytes inside the kernel (the engine's bulk path:
 * sendfile and splice between the socket and stdin/stdout) when the addon is there, and through Node
 * with SOCKSHELL_ENGINE=loop. Both must behave alike where the bytes are not plain: pipes at both
 * ends, a reset in the middle, Ctrl-C in the middle, -w's idle bound in the middle.
 * (stream-cli.test.ts moves files both ways; this file takes the edges.)
 */

interface Proc {
  readonly child: ChildProcess;
  readonly err: () => string;
  readonly out: () => Buffer;
  readonly exit: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

/** A file of 64 MiB (stdin as a regular file: sendfile's case); more than loopback's buffers hold. */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-bulk-'));
const big = join(dir, 'big.bin');
{
  const fd = openSync(big, 'w');
  for (let i = 0; i < 64; i++) writeFileSync(fd, randomBytes(1 << 20));
  closeSync(fd);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * sockshell with piped stdin (or the file stdin), stdout and stderr, on one engine; killed by PID if it
 * hangs. Node's 'pipe' stdio is a socketpair, which the bulk path does not take: through, the command
 * runs in sh between real pipes (`cat | sockshell ...` for stdin; `sockshell ... | cat` for stdout, its
 * status said on stderr as "status N", since a pipeline's is cat's).
 */
function sockshell(args: readonly string[], engine: string, stdin?: string, through?: 'stdin' | 'stdout'): Proc {
  const input = stdin === undefined ? 'pipe' : openSync(stdin, 'r');
  const line =
    through === 'stdin' ? 'cat | "$0" "$@"' : through === 'stdout' ? '{ "$0" "$@"; echo "status $?" >&2; } | cat' : 'exec "$0" "$@"';
  const child = spawn('sh', ['-c', line, process.execPath, CLI, ...args], {
    cwd: ROOT,
    stdio: [input, 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', SOCKSHELL_ENGINE: engine },
  });
  if (typeof input === 'number') closeSync(input);
  started.push(child);
  let err = '';
  const out: Buffer[] = [];
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stdin?.on('error', () => undefined);
  const exit = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 4 * HANG_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
  return { child, err: () => err, out: () => Buffer.concat(out), exit };
}

async function listening(proc: Proc): Promise<number> {
  const ready = /listening on \('127\.0\.0\.1', (\d+)\)/;
  await waitFor(
    () => ready.test(proc.err()),
    () => `the listener's ready line; stderr: ${proc.err()}`,
  );
  return Number(ready.exec(proc.err())![1]);
}

/** A server of the test's own on a port the OS picks, handing each connection to `serve`. */
async function server(serve: (s: Socket) => void): Promise<{ port: number; close: () => void }> {
  const srv = createServer({ allowHalfOpen: true }, serve);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, close: () => srv.close() };
}

/** What sockshell's descriptor fd is (/proc's link: "pipe:[…]", "socket:[…]"): the node process among proc's sh's descendants. */
async function descriptorOf(proc: Proc, fd: number): Promise<string> {
  const node = realpathSync(process.execPath);
  const find = (pid: string): string | undefined => {
    if (pid !== String(proc.child.pid) && readlinkSync(`/proc/${pid}/exe`) === node) return pid;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    for (const child of children.filter((c) => c !== '')) {
      const found = find(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  await waitFor(() => find(String(proc.child.pid)) !== undefined, `sockshell started under sh ${proc.child.pid}`);
  return readlinkSync(`/proc/${find(String(proc.child.pid))!}/fd/${fd}`);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.each(['native', 'loop'])('sockshell connect / listen, SOCKSHELL_ENGINE=%s', (engine) => {
  it('pipes at both ends: stdin a pipe into connect, listen into a pipe on stdout; byte for byte, and the totals', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const listen = sockshell(['listen', '127.0.0.1', '0'], engine, undefined, 'stdout');
    listen.child.stdin!.end();
    const port = await listening(listen);
    const connect = sockshell(['connect', '127.0.0.1', String(port)], engine, undefined, 'stdin');
    // What the bulk path sees: a pipe (FIFO) on sockshell's stdin and stdout, never the test's socketpair.
    expect(await descriptorOf(connect, 0)).toMatch(/^pipe:/);
    expect(await descriptorOf(listen, 1)).toMatch(/^pipe:/);
    // In pieces with pauses between, as a producer on the other end of a pipe writes.
    for (let at = 0; at < data.length; at += 1024 * 1024) {
      const piece = data.subarray(at, at + 1024 * 1024);
      if (!connect.child.stdin!.write(piece)) await new Promise((resolve) => connect.child.stdin!.once('drain', resolve));
    }
    connect.child.stdin!.end();
    expect(await connect.exit).toBe(0);
    expect(await listen.exit).toBe(0);
    expect(listen.err()).toMatch(/^status 0$/m);
    expect(listen.out().length).toBe(data.length);
    expect(sha(listen.out())).toBe(sha(data));
    expect(listen.err()).toMatch(/both sides closed; sent 0 bytes, received 8388608 bytes/);
    expect(connect.err()).toMatch(/both sides closed; sent 8388608 bytes, received 0 bytes/);
  });

  it('a reset in the middle of what arrives is said as a reset, and the status is 1', async () => {
    let accepted: Socket | null = null;
    const peer = await server((s) => {
      accepted = s;
      s.write(randomBytes(4 * 1024 * 1024));
    });
    try {
      const connect = sockshell(['connect', '127.0.0.1', String(peer.port)], engine);
      // The reset comes once bytes have come out of connect (it waited 200 ms after the write instead).
      await waitFor(
        () => connect.out().length > 0,
        () => `the first bytes out of connect; stderr: ${connect.err()}`,
      );
      accepted!.resetAndDestroy();
      // stdin stays open: the reset, not the end of input, ends it.
      expect(await connect.exit).toBe(1);
      expect(connect.err()).toMatch(/ECONNRESET|reset/);
      expect(connect.out().length).toBeLessThanOrEqual(4 * 1024 * 1024);
    } finally {
      peer.close();
    }
  });

  it('a reset while a file goes out (stdin a regular file): the send fails (EPIPE), the reset ends it, status 1', async () => {
    const peer = await server((s) => {
      s.pause(); // reads nothing: its buffers fill, then it resets with unread bytes
      // A fixed wait, kept, and why. The "# EPIPE" note exists only when a send is waiting as the reset
      // lands: then the reset fails it (the event loop reads the socket first and the waiting sendall
      // gets EPIPE; the bulk path's send meets it). A send waits for sure only once connect has stalled:
      // the peer's window closed, the kernel's send buffer full, a piece held in Node or the bulk path
      // polling. Before that, between two pieces of stdin, the pump is reading the file (a thread-pool
      // read on the event loop, slow under load) with no send out: then only recv meets the reset, and
      // the output, true too, has no EPIPE note (what the earlier conditions, bytes unread at the peer and
      // connect's send queue held, let happen in 2 of 3 loaded runs: both hold before the stall). Nothing
      // outside connect marks the stall itself (the kernel's queues look alike just before it); 300 ms
      // is ample for 64 MiB to fill loopback's buffers (~10 ms idle). Reset at the first byte instead,
      // 12 of 12 runs on the loop engine still showed the note on an idle machine.
      setTimeout(() => s.resetAndDestroy(), 300);
    });
    try {
      const connect = sockshell(['connect', '127.0.0.1', String(peer.port)], engine, big);
      expect(await connect.exit).toBe(1);
      expect(connect.err()).toMatch(/# EPIPE: .*can no longer send/);
      expect(connect.err()).toMatch(/^sockshell: ECONNRESET: the peer reset the connection/m);
      expect(connect.err()).not.toMatch(/both sides closed/);
    } finally {
      peer.close();
    }
  });

  it('Ctrl-C in the middle of a transfer: interrupted, the totals so far, status 130', async () => {
    let got = 0;
    const peer = await server((s) => s.on('data', (d: Buffer) => (got += d.length)));
    try {
      const connect = sockshell(['connect', '127.0.0.1', String(peer.port)], engine);
      connect.child.stdin!.write(randomBytes(1024 * 1024));
      await waitFor(
        () => got === 1024 * 1024,
        () => `the peer's 1 MiB (got ${got})`,
      );
      connect.child.kill('SIGINT');
      expect(await connect.exit).toBe(130);
      expect(connect.err()).toMatch(/# interrupted; sent 1048576 bytes, received 0 bytes/);
    } finally {
      peer.close();
    }
  });

  it('-w in the middle of a stream: nothing either way for its time ends it (0), after bytes went both ways', async () => {
    const peer = await server((s) => {
      s.write(Buffer.alloc(65536, 0x61));
      s.resume();
    });
    try {
      const connect = sockshell(['connect', '-w', '1', '127.0.0.1', String(peer.port)], engine);
      connect.child.stdin!.write(Buffer.alloc(1000, 0x62)); // and then nothing more, stdin still open
      expect(await connect.exit).toBe(0);
      expect(connect.err()).toMatch(/# nothing either way for 1 s \(-w\): closed; sent 1000 bytes, received 65536 bytes/);
      expect(connect.out()).toEqual(Buffer.alloc(65536, 0x61));
    } finally {
      peer.close();
    }
  });
});
