/**
 * A connect to the any-address (0.0.0.0, ::), which is what getsockname gives for a socket bound to '':
 * Linux connects it to this host, and getpeername says where it went, 127.0.0.1 (::1), as Python
 * shows. User trial 5: the shell kept the address as typed, so `sockets`, getpeername, the handshake's
 * line, recv's "from" and close's FIN all named ('0.0.0.0', port), an address nothing can be connected to;
 * and '' (Python's any-address too) was said to be a name the OS looked up ("  is 0.0.0.0: the OS looked
 * the name up (DNS, or /etc/hosts)").
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Family } from '../src/engine/types.js';
import { rig, type Rig } from './engine-helpers.js';
import { HANG_MS } from './helpers/wait.js';

let r: Rig;
afterEach(async () => {
  await r.engine.closeAll();
});

/** Python's getpeername after connecting to (any, port) of its own socket bound to ''. */
function pythonPeer(transport: 'tcp' | 'udp', family: Family): string {
  const code = `
import socket
fam = socket.AF_INET6 if ${family} == 6 else socket.AF_INET
kind = socket.SOCK_STREAM if '${transport}' == 'tcp' else socket.SOCK_DGRAM
s = socket.socket(fam, kind); s.bind(('', 0))
if kind == socket.SOCK_STREAM: s.listen()
c = socket.socket(fam, kind); c.connect(s.getsockname()[:2])
print(c.getpeername()[0])
`;
  return spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS }).stdout.trim();
}

describe.each([
  ['tcp', 4, '0.0.0.0'],
  ['tcp', 6, '::'],
  ['udp', 4, '0.0.0.0'],
  ['udp', 6, '::'],
  ['tcp', 4, ''],
  ['udp', 6, ''],
] as const)("%s (IPv%d): connect to '%s'", (transport, family, any) => {
  it("gives the peer Linux connected it to, as Python's getpeername does", async () => {
    r = rig();
    const server = r.engine.create(transport, family, { name: 'serverSocket', owner: 'main' });
    const { port } = await r.engine.bind(server, '', 0);
    if (transport === 'tcp') await r.engine.listen(server, 1);
    const client = r.engine.create(transport, family, { name: 'clientSocket', owner: 'main' });
    const { remote } = await r.engine.connect(client, any, port, {});
    const expected = { host: pythonPeer(transport, family), port, family };
    expect(expected.host).toBe(family === 4 ? '127.0.0.1' : '::1');
    expect(remote).toEqual(expected);
    expect(r.engine.getpeername(client)).toEqual(expected);
    expect(r.engine.info(client).peer).toEqual(expected);
    expect(r.of('connected').at(-1)).toMatchObject({ remote: expected, named: null });
    if (transport === 'udp') {
      const other = r.engine.create('udp', family, { name: 'other', owner: 'main' });
      await r.engine.sendto(other, Buffer.from('x'), any, port, {});
      expect(r.of('sent').at(-1)).toMatchObject({ socket: 'other', named: null });
    }
  });
});
