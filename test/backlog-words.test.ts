/**
 * `listen 1` and four clients: Python's kernel completes backlog + 1 = 2 handshakes and holds them for
 * accept (ss -ltn: Recv-Q 2), and leaves the other two clients in SYN-SENT, retrying. Where the addon
 * is built the shell's listener is the kernel's and `sockets` says "2 to accept", as ss does. Without
 * it the listener is Node's, which takes every connection at once (accept-cap.ts): the shell holds 4,
 * and said "4 to accept" alone, as if Python's server would have them. It must say what Python's
 * kernel would hold beside what the shell holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

let shell: CoreDriver | null = null;
let clients: ChildProcess | null = null;
afterEach(async () => {
  clients?.kill();
  clients = null;
  await shell?.close();
  shell = null;
});

const nodeListener = process.env.SOCKSHELL_NATIVE === '0' || nativeCalls().calls === null;

/** Four non-blocking connects to port, held open until stdin closes; "ready" once all four were made. */
const CLIENTS = [
  'import socket, sys',
  'cs = []',
  'for i in range(4):',
  '    c = socket.socket(); c.setblocking(False)',
  "    c.connect_ex(('127.0.0.1', int(sys.argv[1])))",
  '    cs.append(c)',
  "print('ready', flush=True)",
  'sys.stdin.read()',
].join('\n');

/** The listener's queued cell in the boxed table. */
function queuedCell(table: string): string {
  const row = table.split('\n').find((l) => l.includes('LISTEN')) ?? '';
  return row.split('│')[6]?.trim() ?? `no LISTEN row in ${table}`;
}

it.skipIf(!hasPython)("listen 1, four clients: sockets says what Python's kernel would hold (2), beside what the shell holds", async () => {
  shell = new CoreDriver();
  await shell.ok('s = tcp.listen 127.0.0.1 0 1');
  const port = /, (\d+)\)/.exec(await shell.ok('s.getsockname'))![1]!;
  const child = spawn('python3', ['-c', CLIENTS, port], { stdio: ['pipe', 'pipe', 'inherit'] });
  clients = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`clients exited ${code}`)));
  });
  // The kernel's queue holds 2 at once; Node's takes the others as their SYNs come again (1 s, 3 s...).
  const wanted = nodeListener ? /^[34] to accept/ : /^2 to accept/;
  let cell = '';
  const deadline = Date.now() + HANG_MS;
  while (!wanted.test(cell) && Date.now() < deadline) {
    cell = queuedCell((await shell.run('sockets')).out);
    if (!wanted.test(cell)) await new Promise((r) => setTimeout(r, 50));
  }
  if (nodeListener) expect(cell).toMatch(/^[34] to accept \(Node took them at once; Python's kernel would hold 2\)$/);
  else expect(cell).toBe('2 to accept');
});
