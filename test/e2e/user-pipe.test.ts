/**
 * The pipes of the user's pipeline stay as the user's shell made them. The bulk path (connect/listen,
 * native/sockshell.c pump_fds) splices into and out of them; it once raised both to 1 MiB (fdkind),
 * a change that outlived sockshell for every other process on the pipe and counted against the user's
 * pipe-user-pages-soft. Checked by the processes at either end, with python3 (fcntl F_GETPIPE_SZ).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, freeFixedPort, hasPython, runProcess } from '../helpers/proc.js';

const F_GETPIPE_SZ = 1032;
const addon = existsSync(join(ROOT, 'dist/native/sockshell.node'));

/** Takes one client, reads what it sends to the end, sends 3 MB back and closes. */
const SERVER = `
import socket, sys
s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(1)
print('ready', flush=True)
c, _ = s.accept()
while c.recv(1 << 16): pass
c.sendall(b'y' * 3000000); c.close()
`;
/** Whether pipe descriptor fd has the size of a pipe made now (the system's default), in python3. */
const SIZE = `
import fcntl, os
def size(fd):
    now, fresh = fcntl.fcntl(fd, ${F_GETPIPE_SZ}), fcntl.fcntl(os.pipe()[0], ${F_GETPIPE_SZ})
    return 'its size' if now == fresh else f'{now} bytes, not {fresh}'
`;
/** Writes 3 MB into its standard output (sockshell's input), then says the pipe's size. */
const WRITER = `${SIZE}
import sys
sys.stdout.buffer.write(b'x' * 3000000); sys.stdout.flush()
sys.stderr.write(f'input pipe: {size(1)}\\n')
`;
/** Reads sockshell's output to its end, then says the pipe's size and how much came. */
const READER = `${SIZE}
import sys
n = len(sys.stdin.buffer.read())
print(f'output pipe: {size(0)}, {n} bytes')
`;

describe.runIf(hasPython && addon)("the bulk path and the user's pipes", () => {
  it('connect between two pipes moves the bytes and leaves both pipes their size', async () => {
    const port = await freeFixedPort();
    const q = (code: string) => `'${code.replaceAll("'", "'\\''")}'`;
    const script = [
      `python3 -c ${q(SERVER)} ${port} > server.out &`,
      'for i in $(seq 500); do [ -s server.out ] && break; sleep 0.01; done',
      `python3 -c ${q(WRITER)} | ${process.execPath} ${CLI} connect -q 127.0.0.1 ${port} | python3 -c ${q(READER)}`,
      'wait',
    ].join('\n');
    const r = await runProcess('sh', ['-c', `cd "$(mktemp -d)" && ${script}`]);
    expect(r.stdout).toBe('output pipe: its size, 3000000 bytes\n');
    expect(r.stderr).toBe('input pipe: its size\n');
  });
});
