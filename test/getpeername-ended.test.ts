/**
 * getpeername on a TCP socket whose connection the kernel has let go (Linux's TCP_CLOSE): after a
 * reset from the peer, and after both ends sent their FIN. Linux answers ENOTCONN there and Python
 * raises OSError; the shell answered with the peer it remembered. Each case runs python3 doing the
 * same calls first, so the expectation is this kernel's, not a belief about it.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { fails, rig, until, type Rig } from './engine-helpers.js';
import { freePort, hasPython, startServer, type Server } from './helpers/proc.js';

let r: Rig;
let server: Server | null = null;
afterEach(async () => {
  await r.engine.closeAll();
  await server?.stop();
  server = null;
});

/** What python3 prints for the given program: its getpeername's result after the calls. */
function python(program: string): string {
  const out = spawnSync('python3', ['-c', program], { encoding: 'utf8', timeout: 30_000 });
  return out.stdout.trim();
}

const PEERNAME = `
def peername(s):
    try:
        return repr(s.getpeername())
    except OSError as e:
        return 'errno %d' % e.errno`;

it.runIf(hasPython)('after both ends sent their FIN, getpeername fails with ENOTCONN on both, as in Python', async () => {
  expect(
    python(`import socket${PEERNAME}
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
c = socket.create_connection(l.getsockname()); k, _ = l.accept()
c.shutdown(socket.SHUT_WR); k.recv(10); k.shutdown(socket.SHUT_WR); c.recv(10)
print(peername(c), peername(k))`),
  ).toBe('errno 107 errno 107');
  r = rig();
  const l = r.engine.create('tcp', 4, { name: 'l', owner: 'main' });
  await r.engine.bind(l, '127.0.0.1', 0);
  const at = await r.engine.listen(l, 5);
  const c = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
  await r.engine.connect(c, '127.0.0.1', at.port, {});
  const { socket: k } = await r.engine.accept(l, { name: 'k', owner: 'main' });
  expect(r.engine.getpeername(k).port).toBe(r.engine.getsockname(c).port); // connected: the peer is there
  void r.engine.shutdown(c, 'wr');
  expect((await r.engine.recv(k, 10, {})).length).toBe(0);
  void r.engine.shutdown(k, 'wr');
  expect((await r.engine.recv(c, 10, {})).length).toBe(0);
  await fails(
    () => r.engine.getpeername(c),
    'ENOTCONN',
    'OSError',
    /^ENOTCONN: the connection of [ck] is over \(both ends sent their FIN\): the kernel has let it go and names no peer, as Python.s getpeername finds; its peer was 127\.0\.0\.1 port \d+ \(OSError\)$/,
  );
  await fails(
    () => r.engine.getpeername(k),
    'ENOTCONN',
    'OSError',
    /^ENOTCONN: the connection of [ck] is over \(both ends sent their FIN\): the kernel has let it go and names no peer, as Python.s getpeername finds; its peer was 127\.0\.0\.1 port \d+ \(OSError\)$/,
  );
});

it.runIf(hasPython)('after the peer reset the connection, getpeername fails with ENOTCONN, as in Python', async () => {
  expect(
    python(`import socket, struct, select${PEERNAME}
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
c = socket.create_connection(l.getsockname()); k, _ = l.accept()
k.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); k.close()
select.select([c], [], [], 30)
print(peername(c))`),
  ).toBe('errno 107');
  r = rig();
  const port = await freePort('tcp');
  // A peer in a process of its own that resets the connection once told to (a line on its stdin), after the connect returned.
  server = await startServer(
    'python3',
    [
      '-c',
      `import socket, struct
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('127.0.0.1', ${port})); l.listen()
print('listening', flush=True)
k, _ = l.accept(); input()
k.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); k.close(); input()`,
    ],
    'listening',
  );
  const c = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
  await r.engine.connect(c, '127.0.0.1', port, {});
  expect(r.engine.getpeername(c).port).toBe(port);
  server.child.stdin?.write('\n');
  await until(() => r.engine.info(c).state === 'RESET');
  await fails(
    () => r.engine.getpeername(c),
    'ENOTCONN',
    'OSError',
    /^ENOTCONN: the connection of c is over \(reset\): .* its peer was 127\.0\.0\.1 port \d+ \(OSError\)$/,
  );
});
