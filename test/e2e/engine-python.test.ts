/** The engine and the shell against the textbook's own Python (skipped when python3 is missing). */
import { roomForTimeWait } from '../helpers/kernel.js';
import { HANG_MS } from '../helpers/wait.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rig, type Rig } from '../engine-helpers.js';
import { CoreDriver, withoutReceiveNotes } from '../helpers/core-driver.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

const UDP_SERVER = `
from socket import *
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('127.0.0.1', 0))
print(serverSocket.getsockname()[1], flush=True)
while True:
    message, clientAddress = serverSocket.recvfrom(2048)
    serverSocket.sendto(message.decode().upper().encode(), clientAddress)
`;

const TCP_SERVER = `
from socket import *
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.bind(('127.0.0.1', 0))
serverSocket.listen(1)
print(serverSocket.getsockname()[1], flush=True)
while True:
    connectionSocket, addr = serverSocket.accept()
    sentence = connectionSocket.recv(1024).decode()
    connectionSocket.send(sentence.upper().encode())
    connectionSocket.close()
`;

const children: ChildProcess[] = [];

/** Starts a Python server and resolves with the port it printed. */
function startPython(source: string): Promise<number> {
  const child = spawn('python3', ['-u', '-c', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('python server did not start')), HANG_MS); // a hang, not a slow start
    child.once('error', reject);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(Number(line));
    });
  });
}

describe.skipIf(!hasPython)('against Python peers', () => {
  let r: Rig;
  let udpPort = 0;
  let tcpPort = 0;

  beforeAll(async () => {
    r = rig();
    [udpPort, tcpPort] = await Promise.all([startPython(UDP_SERVER), startPython(TCP_SERVER)]);
  });

  afterAll(async () => {
    await r.engine.closeAll();
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
  });

  it('UDPClient: sendto, then recvfrom the upper-cased line from the server address', async () => {
    const clientSocket = r.engine.create('udp', 4, { name: 'clientSocket', owner: 'main' });
    await r.engine.sendto(clientSocket, Buffer.from('hello udp'), '127.0.0.1', udpPort, {});
    const { data, address } = await r.engine.recvfrom(clientSocket, 2048, { maxWaitMs: HANG_MS });
    expect(data.toString()).toBe('HELLO UDP');
    expect(address).toEqual({ host: '127.0.0.1', port: udpPort, family: 4 });
    r.engine.close(clientSocket);
  });

  it('TCPClient: connect, send, recv the upper-cased line, then EOF', async () => {
    const clientSocket = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    await r.engine.connect(clientSocket, '127.0.0.1', tcpPort, { maxWaitMs: HANG_MS });
    await r.engine.send(clientSocket, Buffer.from('hello tcp'), {});
    expect((await r.engine.recv(clientSocket, 1024, { maxWaitMs: HANG_MS })).toString()).toBe('HELLO TCP');
    expect((await r.engine.recv(clientSocket, 1024, { maxWaitMs: HANG_MS })).length).toBe(0);
    r.engine.close(clientSocket);
  });
});

describe.skipIf(!hasPython)('BUFSIZE 0, as Python has it', () => {
  const PROGRAM = `
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
c = socket(AF_INET, SOCK_DGRAM)
c.sendto(b'first', s.getsockname())
c.sendto(b'second', s.getsockname())
print(repr(s.recvfrom(0)[0]))
print(repr(s.recvfrom(100)[0]))
`;

  it('recvfrom 0 takes one datagram and keeps none of it; the next recvfrom gets the next datagram', async () => {
    const python = spawnSync('python3', ['-c', PROGRAM], { encoding: 'utf8', timeout: 10_000 });
    expect(python.stdout).toBe("b''\nb'second'\n");
    const shell = new CoreDriver({ maxWaitMs: HANG_MS });
    try {
      await shell.ok('s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 'c = udp.socket', 'c.sendto first $a', 'c.sendto second $a');
      const cut = await shell.run('m, f = s.recvfrom 0');
      expect(cut.err).toMatch(/a datagram of 5 bytes was cut to BUFSIZE 0; the other 5 bytes are lost, as in Python/);
      const first = await shell.ok('$m');
      const second = withoutReceiveNotes(await shell.ok('m, f = s.recvfrom 100', '$m'));
      expect(first + second).toBe(python.stdout);
    } finally {
      await shell.close();
    }
  });
});

describe.skipIf(!hasPython || process.platform !== 'linux')("a port held by a Python server's TIME_WAIT", () => {
  // The Python server closes its connection first (as the textbook's TCPServer does) without
  // SO_REUSEADDR, then exits: only the closed connection, in TIME_WAIT, holds the port for 60 s.
  const PROGRAM = `
from socket import *
s = socket(AF_INET, SOCK_STREAM)
s.bind(('127.0.0.1', 0))
s.listen(1)
port = s.getsockname()[1]
c = create_connection(('127.0.0.1', port))
conn, _ = s.accept()
conn.close()
c.recv(10)
c.close()
s.close()
print(port)
`;

  it('bind says only TIME_WAIT holds it, and for how long, not a running server', async () => {
    await roomForTimeWait();
    const python = spawnSync('python3', ['-c', PROGRAM], { encoding: 'utf8', timeout: 10_000 });
    const port = Number(python.stdout.trim());
    expect(port).toBeGreaterThan(0);
    const r = rig();
    try {
      const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
      await expect(r.engine.bind(server, '127.0.0.1', port)).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringMatching(
          new RegExp(
            `127\\.0\\.0\\.1 port ${port} is held only by closed connections in TIME_WAIT \\(for \\d+ s more\\), left by a server that closed them first without SO_REUSEADDR`,
          ),
        ),
      });
    } finally {
      await r.engine.closeAll();
    }
  });
});
