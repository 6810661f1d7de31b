/**
 * A refused connect's hint, and a connected UDP socket's refusal's (user trials' open finding 3). A client and a server in two terminals:
 * the server (python3, another process) listens, the client connects to another port close by, or to
 * the same port at another address. "start the server first" was wrong there: a server runs. The hint
 * now says what listens on this host (the kernel's /proc/net/tcp{,6}), and keeps "start the server
 * first" when nothing listens near. The same for a connected UDP socket whose datagram came back as
 * ICMP port unreachable (/proc/net/udp{,6}: a socket bound and not connected, as a server's is), which
 * learns of it at a later call: a socket bound where it went by then was bound since.
 */
import { afterEach, expect, it } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import { closedTcpPort, closedUdpPort, rig, until, type Rig } from './engine-helpers.js';
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

/** python3 with a UDP socket bound to host:port in a process of its own, as a UDPServer in another terminal. */
async function pythonUdpServer(family: 4 | 6, host: string, port: number): Promise<Server> {
  const program = [
    'import socket',
    `s = socket.socket(socket.AF_INET${family === 6 ? '6' : ''}, socket.SOCK_DGRAM)`,
    `s.bind(('${host}', ${port}))`,
    "print('bound', flush=True)",
    'input()',
  ].join('\n');
  return startServer('python3', ['-c', program], 'bound');
}

/** A connected UDP socket of family sends to host:port: the socket, once the ICMP port unreachable is stored for its next call. */
async function refusedDatagram(host: string, port: number, family: 4 | 6 = 4) {
  const s = r.engine.create('udp', family, { name: 'clientSocket', owner: 'main' });
  await r.engine.connect(s, host, port, {});
  await r.engine.send(s, Buffer.from('hello'), {});
  await until(() => r.of('failed').length > 0);
  return s;
}

/** What the shell says when the next call on a connected UDP socket reports that its datagram was refused. */
async function datagramRefusal(s: ReturnType<Rig['engine']['create']>): Promise<string> {
  try {
    await r.engine.recv(s, 2048, {});
  } catch (err) {
    if (err instanceof SocketError && err.code === 'ECONNREFUSED') return err.message;
    throw err;
  }
  throw new Error('the recv did not report the refusal');
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
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}, but port ${port} is listening on this host at ::1, which is not where this connect went: connect to ::1 from an IPv6 socket (tcp.socket -6), or have the server bind the address the client uses (ConnectionRefusedError)`,
  );
});

it('nothing listening near: start the server first', async () => {
  r = rig();
  const port = await closedTcpPort();
  expect(await refusal('127.0.0.1', port)).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port} — start the server first (ConnectionRefusedError)`,
  );
});

const ICMP = 'a datagram clientSocket sent there came back as ICMP port unreachable';

it.runIf(hasPython && process.platform === 'linux')('UDP: a socket bound on the same port at another address is named', async () => {
  r = rig();
  const port = await freePort('udp');
  server = await pythonUdpServer(6, '::1', port);
  expect(await datagramRefusal(await refusedDatagram('127.0.0.1', port))).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}: ${ICMP}, but port ${port} has a UDP socket bound on this host at ::1, which is not where the datagram went: connect to ::1 from an IPv6 socket (udp.socket -6), or have the server bind the address the client uses (ConnectionRefusedError)`,
  );
});

it.runIf(hasPython && process.platform === 'linux')('UDP: an IPv6 client is told of the IPv4 server on its port', async () => {
  r = rig();
  const port = await freePort('udp');
  server = await pythonUdpServer(4, '127.0.0.1', port);
  expect(await datagramRefusal(await refusedDatagram('::1', port, 6))).toBe(
    `ECONNREFUSED: nothing is listening on ::1 port ${port}: ${ICMP}, but port ${port} has a UDP socket bound on this host at 127.0.0.1, which is not where the datagram went: connect to 127.0.0.1 from an IPv4 socket (udp.socket), or have the server bind the address the client uses (ConnectionRefusedError)`,
  );
});

it.runIf(hasPython && process.platform === 'linux')('UDP: a socket bound on a port close by is named', async () => {
  r = rig();
  const port = await freePort('udp');
  server = await pythonUdpServer(4, '127.0.0.1', port);
  expect(await datagramRefusal(await refusedDatagram('127.0.0.1', port + 1))).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port + 1}: ${ICMP}, but this host has a UDP socket bound on port ${port}, close by: is that your server? Check that both programs use the same port (or start the server first) (ConnectionRefusedError)`,
  );
});

it.runIf(hasPython && process.platform === 'linux')(
  'UDP: a server bound where the datagram went after it came back is not called absent: it was bound since',
  async () => {
    r = rig();
    const port = await freePort('udp');
    const s = await refusedDatagram('127.0.0.1', port);
    server = await pythonUdpServer(4, '0.0.0.0', port);
    expect(await datagramRefusal(s)).toBe(
      `ECONNREFUSED: nothing was listening on 127.0.0.1 port ${port} when a datagram clientSocket sent there arrived: it came back as ICMP port unreachable; a UDP socket is bound there now (at 0.0.0.0), so send again (ConnectionRefusedError)`,
    );
  },
);

it('UDP: nothing bound near: start the server first', async () => {
  r = rig();
  const port = await closedUdpPort();
  expect(await datagramRefusal(await refusedDatagram('127.0.0.1', port))).toBe(
    `ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}: ${ICMP} — start the server first (ConnectionRefusedError)`,
  );
});
