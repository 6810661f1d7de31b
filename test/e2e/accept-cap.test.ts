import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { socketsOf } from '../helpers/kernel.js';
import { hasPython } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The shell's own accept queue cap (src/engine/accept-cap.ts), end to end. A TCP listener's queue is
 * the kernel's where the addon is built (accept-queue.test.ts); a Unix listener's is still Node's, which
 * accepts every connection at once, so the shell holds what waits for accept itself: backlog + 1 and
 * more up to a quarter of its descriptor limit, and past that closes new connections (Node cannot
 * reset a Unix one), counts them and says so. The shell runs under a limit of LIMIT descriptors here,
 * so it holds LIMIT / 4 of CLIENTS clients against `listen 1`, more than the 2 its backlog allows.
 */
const LIMIT = 96;
const CAP = LIMIT / 4;
const CLIENTS = 40;

/**
 * CLIENTS connections one after another, then, for each, whether the shell closed it (the client reads
 * the end of the stream) or holds it (nothing to read within a moment); held until stdin closes.
 */
const CLIENT = `
import select, socket, sys
held = []
for _ in range(int(sys.argv[2])):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sys.argv[1])  # blocking: with a timeout, a full kernel queue (listen 1) is EAGAIN at once
    held.append(c)
print('connected', len(held), flush=True)
sys.stdin.readline()
closed = sum(1 for c in held if select.select([c], [], [], 0.2)[0] and c.recv(1) == b'')
print('closed', closed, 'held', len(held) - closed, flush=True)
sys.stdin.read()
`;

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe.runIf(hasPython && hasPrlimit)("the shell's accept queue cap (a Unix listener)", () => {
  it(`holds a quarter of the descriptor limit, closes the rest and says so (${CLIENTS} clients, listen 1)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-cap-'));
    const path = join(dir, 'cap.sock');
    const shell = new ShellProcess([]);
    const client = { proc: null as ReturnType<typeof spawn> | null, out: '' };
    try {
      // The limit is read when the socket listens: set it first (`print` says the shell has started).
      shell.child.stdin!.write('print started\n');
      await shell.waitFor('started');
      execFileSync('prlimit', ['--pid', String(shell.pid), `--nofile=${LIMIT}:${LIMIT}`]);
      shell.child.stdin!.write(`s = unix.listen ${path} 1\nprint listening\n`);
      await shell.waitFor('listening');
      const before = socketsOf(shell.pid);
      client.proc = spawn('python3', ['-c', CLIENT, path, String(CLIENTS)], { stdio: ['pipe', 'pipe', 'inherit'] });
      client.proc.stdout!.on('data', (d: Buffer) => (client.out += d.toString()));
      await waitFor(() => client.out.includes('connected'), 'every client connected');
      // Node has accepted every connection; the shell keeps CAP of them and has closed the rest.
      await waitFor(
        () => socketsOf(shell.pid) - before === CAP,
        () => `the shell holds ${socketsOf(shell.pid) - before} connections, not ${CAP}`,
      );
      client.proc.stdin!.write('\n');
      await waitFor(() => client.out.includes('held'), 'the client looked at its connections');
      expect(client.out).toContain(`closed ${CLIENTS - CAP} held ${CAP}`);
      shell.child.stdin!.write('sockets\nprint shown\n');
      await shell.waitFor('shown');
      expect(shell.out).toContain(`${CAP} to accept (Node took them at once; Python's kernel would hold 2), ${CLIENTS - CAP} dropped`);
      shell.child.stdin!.end();
      expect(await shell.exit).toBe(0);
      // stderr is another pipe than the stdout waited on: read it once the shell has ended and both are whole.
      expect(shell.err).toContain('s: too many connections wait for accept; closed 1 new connection so far; accept makes room');
      expect(shell.err).toContain('closed 10 new connections so far');
    } finally {
      client.proc?.kill();
      shell.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
