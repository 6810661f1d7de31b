import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/table.js';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * The command table's `transport` (a call only TCP sockets have) and the engine's errors say the
 * same: each call the table gives to TCP alone fails on a UDP socket with words that say it is UDP
 * (Tab and help read the field; the error is the engine's, with Python's errno), and each socket
 * call it gives to every socket runs on a connected UDP socket.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-transport-calls-'));
const file = join(dir, 'payload.txt');
writeFileSync(file, 'payload\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Arguments for each TCP-only call (a call given the field without an entry here fails the test). */
const TCP_ONLY_ARGS: Readonly<Record<string, string>> = {
  listen: '1',
  accept: '',
  sendfile: file,
  recvfile: join(dir, 'copy.bin'),
  recvline: '',
  recvuntil: 'x',
  recvexactly: '3',
  peek: '3',
};

/**
 * Every other socket call, on c connected to p (p sends c a datagram before each read); bind and
 * sendto on a socket of their own (c is bound and connected: a second bind fails EINVAL, as in
 * Python, and the build without the native addon cannot sendto from a connected socket).
 */
const EVERY_SOCKET_ARGS: Readonly<Record<string, string>> = {
  send: 'hi',
  sendall: 'hi',
  sendline: 'hi',
  sendto: '',
  recv: '100',
  recvfrom: '100',
  settimeout: '5',
  getsockname: '',
  getpeername: '',
  setsockopt: 'SO_RCVBUF 65536',
  getsockopt: 'SO_RCVBUF',
  connect: '$pa',
  bind: '',
  interact: '', // reads stdin: at end of input it ends at once
  shutdown: 'rdwr', // Linux allows it on a connected UDP socket (it sends nothing); last but close, as sends fail after it
  close: '',
};

describe("the command table's transport field and the engine's errors", () => {
  const shell = new CoreDriver();
  afterAll(() => shell.close());

  it('every socket call is listed here, so that the field is checked for each', () => {
    const methods = COMMANDS.filter((c) => c.method).map((c) => c.name);
    const tcpOnly = COMMANDS.filter((c) => c.method && c.transport === 'tcp').map((c) => c.name);
    expect(tcpOnly.sort()).toEqual(Object.keys(TCP_ONLY_ARGS).sort());
    expect(methods.filter((m) => !tcpOnly.includes(m)).sort()).toEqual(Object.keys(EVERY_SOCKET_ARGS).sort());
  });

  it('a TCP-only call on a UDP socket fails saying the socket is UDP', async () => {
    await shell.ok('u = udp.bind 127.0.0.1 0');
    for (const [name, args] of Object.entries(TCP_ONLY_ARGS)) {
      const r = await shell.run(`u.${name} ${args}`);
      expect(r.err, name).toMatch(/(EOPNOTSUPP|ENOTCONN): .*UDP/);
    }
  });

  it('every other socket call runs on a connected UDP socket', async () => {
    await shell.ok('p = udp.bind 127.0.0.1 0', 'pa = p.getsockname', 'c = udp.bind 127.0.0.1 0', 'c.connect $pa', 'ca = c.getsockname');
    for (const [name, args] of Object.entries(EVERY_SOCKET_ARGS)) {
      if (name === 'recv' || name === 'recvfrom') await shell.ok('p.sendto data $ca');
      const own: Readonly<Record<string, string>> = {
        bind: 'b = udp.socket\nb.bind 127.0.0.1 0',
        sendto: 's = udp.socket\ns.sendto hi $pa',
      };
      const line = own[name] ?? `c.${name} ${args}`;
      const r = await shell.run(line);
      expect(r.err, name).toBe('');
    }
  });
});
