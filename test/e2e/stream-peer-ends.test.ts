import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tcpQueues } from '../helpers/kernel.js';
import { CLI, ROOT } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Trial 4, findings F1, F3 and F8: how `sockshell connect` tells the peer's end while standard input is
 * a pipe that stays open, as `(sleep 2) | sockshell connect HOST PORT` or a producer feeding it.
 * - A reset ends it at once, with ECONNRESET and status 1. On the native engine it used to wait for
 *   the end of input, then say "end of input: sent FIN", which no reset connection can send.
 * - A peer that closed for good after its FIN answers what is sent since with a reset: the end of input
 *   cannot send a FIN then (Python's shutdown raises ENOTCONN). It used to say it sent one, then "both
 *   sides closed", status 0.
 * - After the peer's FIN, the end of input says its FIN went, not "still receiving".
 * Each on both engines; the peers are Node servers of the test's own, on ports the OS picks.
 *
 * stdin and stdout are named pipes (FIFOs), as a shell's `|` makes them: Node's spawn 'pipe' is a
 * socketpair, which the bulk path (splice) never takes, so it would test the event loop's path alone.
 */

let conn: Socket | null = null;
let server: Server | null = null;

/** A server on 127.0.0.1:0 that keeps its one connection in `conn` and hands it to `serve`. */
async function peer(serve: (s: Socket) => void): Promise<number> {
  server = createServer({ allowHalfOpen: true }, (s) => {
    conn = s;
    serve(s);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const dir = mkdtempSync(join(tmpdir(), 'sockshell-peer-ends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Connect {
  readonly child: ChildProcess;
  out: string;
  err: string;
  readonly exit: Promise<number | null>;
  exited: boolean;
  /** Writes to its standard input, a FIFO; end() closes the FIFO's last writer: the end of input. */
  write(text: string): void;
  end(): void;
}

const started: Connect[] = [];
afterEach(() => {
  for (const c of started.splice(0)) {
    if (!c.exited && c.child.pid) process.kill(c.child.pid, 'SIGKILL');
    c.end();
  }
  conn?.destroy();
  server?.close();
  conn = server = null;
});

/** `sockshell connect 127.0.0.1 PORT` with FIFOs for stdin and stdout; killed by PID after the test. */
function connect(port: number): Connect {
  const name = join(dir, String(started.length));
  spawnSync('mkfifo', [`${name}.in`, `${name}.out`]);
  // Each FIFO's reader opens first (without waiting for a writer), then its writer.
  const inRead = openSync(`${name}.in`, constants.O_RDONLY | constants.O_NONBLOCK);
  let inWrite = openSync(`${name}.in`, constants.O_WRONLY);
  const outRead = openSync(`${name}.out`, constants.O_RDONLY | constants.O_NONBLOCK);
  const outWrite = openSync(`${name}.out`, constants.O_WRONLY);
  const child = spawn(process.execPath, [CLI, 'connect', '127.0.0.1', String(port)], {
    cwd: ROOT,
    stdio: [inRead, outWrite, 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  closeSync(inRead);
  closeSync(outWrite);
  const c: Connect = {
    child,
    out: '',
    err: '',
    exited: false,
    exit: new Promise((resolve) =>
      child.on('close', (status) => {
        c.exited = true;
        resolve(status);
      }),
    ),
    write: (text) => void writeSync(inWrite, text),
    end: () => {
      if (inWrite >= 0) closeSync(inWrite);
      inWrite = -1;
    },
  };
  new Socket({ fd: outRead, readable: true, writable: false }).on('data', (d: Buffer) => (c.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (c.err += d.toString()));
  started.push(c);
  return c;
}

/** Resolves once c's stdout or stderr holds text; fails (with what it said) after waitFor's bound. */
const said = (c: Connect, text: string): Promise<void> =>
  waitFor(
    () => c.out.includes(text) || c.err.includes(text),
    () => `${JSON.stringify(text)}; stdout: ${c.out} stderr: ${c.err}`,
  );

/** The status, once the process has ended by itself (stdin still open: never by the end of input). */
async function ended(c: Connect): Promise<number | null> {
  await waitFor(
    () => c.exited,
    () => `sockshell connect to end with stdin still open; stderr: ${c.err}`,
  );
  return c.exit;
}

describe.each(['native', 'loop'])('sockshell connect with stdin a pipe, SOCKSHELL_ENGINE=%s', (engine) => {
  const before = process.env.SOCKSHELL_ENGINE;
  beforeAll(() => {
    process.env.SOCKSHELL_ENGINE = engine;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.SOCKSHELL_ENGINE;
    else process.env.SOCKSHELL_ENGINE = before;
  });

  it('a reset while the input is idle ends it at once: ECONNRESET, status 1, no FIN claimed', async () => {
    const port = await peer((s) => s.write('bye\n'));
    const shell = connect(port);
    await said(shell, 'bye\n');
    conn!.resetAndDestroy();
    expect(await ended(shell)).toBe(1);
    expect(shell.err).toMatch(/^sockshell: ECONNRESET: the peer reset the connection/m);
    expect(shell.err).not.toMatch(/end of input|sent FIN/);
  });

  it('data sent after the peer closed for good meets its reset: the end of input sends no FIN, status 1', async () => {
    // The peer says bye and closes (FIN); what comes after reaches no socket, and its kernel resets.
    const port = await peer((s) => s.write('bye\n', () => s.destroy()));
    const shell = connect(port);
    await said(shell, 'the peer closed its side (FIN)');
    const local = Number(/from \('127\.0\.0\.1', (\d+)\)/.exec(shell.err)![1]);
    shell.write('more\n');
    // The reset is in once the kernel has dropped the connection from its table.
    await waitFor(
      () => tcpQueues(local, port) === null,
      () => `the peer's reset of ${local}; stderr: ${shell.err}`,
    );
    shell.end();
    expect(await shell.exit).toBe(1);
    expect(shell.err).not.toMatch(/sent FIN|both sides closed; sent 5 bytes, received 4 bytes\n/);
    expect(shell.err).toMatch(
      /ENOTCONN: the peer closed the connection for good after its FIN and answered the data sent since with a reset|# EPIPE: the socket can no longer send/,
    );
  });

  it("after the peer's FIN, the end of input sends its own and says so, without 'still receiving'", async () => {
    const port = await peer((s) => {
      s.end('bye\n'); // half-close: it goes on reading, and ends once our FIN comes
      s.on('end', () => s.end());
      s.resume();
    });
    const shell = connect(port);
    await said(shell, 'the peer closed its side (FIN)');
    shell.write('more\n');
    shell.end();
    expect(await shell.exit).toBe(0);
    expect(shell.err).toMatch(/^# end of input: sent FIN \(shutdown SHUT_WR\)\n# both sides closed; sent 5 bytes, received 4 bytes\n$/m);
  });
});
