/**
 * A refused connect's hint (user trials' open finding 3). A client and a server in two terminals:
 * the server (python3, another process) listens, the client connects to another port close by, or to
 * the same port at another address. "start the server first" was wrong there: a server runs. The hint
 * now says what listens on this host (the kernel's /proc/net/tcp{,6}), and keeps "start the server
 * first" when nothing listens near.
 */
import { afterEach, expect, it } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import { closedTcpPort, rig, type Rig } from './engine-helpers.js';
import { freePort, hasPython, startServer, type Server } from './helpers/proc.js';

let r: Rig;
let server: Server | null = null;
afterEach(async () => {
  await r.engine.closeAll();
  await server?.stop();
  server = null;
});

/** python3 listening on host:port in a process of its own, as a server in another terminal. */
async function pythonServer(family: 4 | 6, host: string, port: number): Promise<Server> {
  const program = [
    'import socket',
    `s = socket.socket(socket.AF_INET${family === 6 ? '6' : ''}, socket.SOCK_STREAM)`,
    `s.bind(('${host}', ${port})); s.listen(1)`,
    "print('listening', flush=True)",
    'input()',
  ].join('\n');
  return startServer('python3', ['-c', program], 'listening');
}

/** What the shell says when its connect to host:port is refused. */
async function refusal(host: string, port: number, family: 4 | 6 = 4): Promise<string> {
  const s = r.engine.create('tcp', family, { name: 'clientSocket', owner: 'main' });
  try {
    await r.engine.connect(s, host, port, {});
  } catch (err) {
    if (err instanceof SocketError && err.code === 'ECONNREFUSED') return err.message;
    throw err;
  }
  throw new Error(`the connect to ${host} port ${port} was not refused`);
}

it.runIf(hasPython && process.platform === 'linux')(
  'a server listening on a port close by is named, not "start the server first"',
  async () => {
    r = rig();
    const port = await freePort('tcp');
    server = await pythonServer(4, '127.0.0.1', port);
    expect(await refusal('127.0.0.1', port + 1)).toBe(
      `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port + 1}, but this host listens on port ${port}, close by: is that your server? Check that both programs use the same port (or start the server first) (ConnectionRefusedError)`,
    );
  },
);

it.runIf(hasPython && process.platform === 'linux')('a server on the same port at another address is named', async () => {
  r = rig();
  const port = await freePort('tcp');
  server = await pythonServer(6, '::1', port);
  expect(await refusal('127.0.0.1', port)).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}, but port ${port} is listening on this host at ::1, which is not where this connect went: connect to ::1, or have the server bind the address the client uses (ConnectionRefusedError)`,
  );
});

it('nothing listening near: start the server first', async () => {
  r = rig();
  const port = await closedTcpPort();
  expect(await refusal('127.0.0.1', port)).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port} — start the server first (ConnectionRefusedError)`,
  );
});
