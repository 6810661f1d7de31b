import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { portSockets } from '../src/engine/port-holders.js';
import { portBound, takenSince } from '../src/transcript/port-probe.js';

/**
 * `sockshell test --with` asks "has the program bound its port yet?" many times while the program
 * starts. The answer must never come from binding the port: a probe holding it for a moment made
 * correct servers fail their own bind (issue 15). These tests use real sockets, and count every
 * bind and listen this process makes while the probe runs.
 */
const linux = process.platform === 'linux';
const opened: (dgram.Socket | net.Server)[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** Runs fn while counting the binds and listens any socket of this process makes. */
function countingBinds<T>(fn: () => T): { result: T; binds: number } {
  let binds = 0;
  /* eslint-disable @typescript-eslint/unbound-method -- the originals are called with their receiver */
  const bind = dgram.Socket.prototype.bind;
  const listen = net.Server.prototype.listen;
  /* eslint-enable @typescript-eslint/unbound-method */
  dgram.Socket.prototype.bind = function (this: dgram.Socket, ...args: unknown[]) {
    binds++;
    return (bind as (...a: unknown[]) => dgram.Socket).apply(this, args);
  };
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    binds++;
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  try {
    return { result: fn(), binds };
  } finally {
    dgram.Socket.prototype.bind = bind;
    net.Server.prototype.listen = listen;
  }
}

async function udpServer(type: 'udp4' | 'udp6', host: string): Promise<number> {
  const s = dgram.createSocket(type);
  opened.push(s);
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  return s.address().port;
}

describe.runIf(linux)('portBound: is the program under test on its port yet?', () => {
  it('sees a UDP server on IPv4 and on IPv6 without binding anything', async () => {
    for (const [type, host] of [
      ['udp4', '0.0.0.0'],
      ['udp6', '::1'],
    ] as const) {
      const port = await udpServer(type, host);
      expect(countingBinds(() => portBound(port))).toEqual({ result: true, binds: 0 });
    }
  });

  it('sees a TCP listener, and a port nobody holds as free, without binding anything', async () => {
    const server = net.createServer();
    opened.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    expect(countingBinds(() => portBound(port))).toEqual({ result: true, binds: 0 });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    opened.pop();
    expect(countingBinds(() => portBound(port))).toEqual({ result: false, binds: 0 });
  });
});

describe.runIf(linux)('takenSince: did a new program take the port?', () => {
  it('a connection the listener already there accepts is no new program; a new UDP socket on the port is', async () => {
    const server = net.createServer();
    opened.push(server);
    const accepted: net.Socket[] = [];
    server.on('connection', (c) => accepted.push(c));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const before = portSockets(port);
    const client = net.connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => server.once('connection', () => resolve()));
      expect(takenSince(port, before)).toBe(false);
      const udp = dgram.createSocket('udp4');
      opened.push(udp);
      await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
      expect(takenSince(port, before)).toBe(true);
    } finally {
      client.destroy();
      for (const c of accepted) c.destroy();
    }
  });
});
