import { afterAll, describe, expect, it } from 'vitest';
import { complete, type CompletionSources } from '../src/repl/completer.js';
import { completionSources } from '../src/repl/completion-sources.js';
import { CoreDriver } from './helpers/core-driver.js';

const sources: CompletionSources = {
  commands: ['recv', 'recvfrom', 'print', 'udp.socket'],
  methods: () => ['recv', 'recvfrom', 'close'],
  sockets: () => ['udp1', 'serverSocket'],
  variables: () => ['serverSocket', 'clientSocket', 'message', '_'],
  // clientSocket was closed: a variable still holds it, but it is no longer a socket to call.
  socketVariables: () => ['serverSocket'],
  argChoices: () => [],
};

describe('completion', () => {
  it('offers NAME. only for open sockets and variables that hold one', () => {
    const [hits] = complete('', sources);
    expect(hits).toContain('serverSocket.');
    expect(hits).toContain('udp1.');
    expect(hits).not.toContain('clientSocket.');
    expect(hits).not.toContain('message.');
    expect(hits).not.toContain('_.');
  });

  it('completes commands, methods after NAME., and every variable after $', () => {
    expect(complete('recv', sources)).toEqual([['recv', 'recvfrom'], 'recv']);
    expect(complete('serverSocket.re', sources)).toEqual([['serverSocket.recv', 'serverSocket.recvfrom'], 'serverSocket.re']);
    expect(complete('print $c', sources)).toEqual([['$clientSocket'], '$c']);
  });
});

describe('completion of arguments, from the command table, in a real shell', () => {
  const shell = new CoreDriver();
  afterAll(() => shell.close());
  const words = (line: string) => complete(line, completionSources(shell.core))[0];

  it('offers the fixed words an argument takes, after a bare command or NAME.call, and not elsewhere', async () => {
    await shell.ok('s = tcp.socket', 'u = udp.bind 127.0.0.1 0');
    expect(words('setsockopt SO_R')).toEqual(['SO_RCVBUF', 'SO_REUSEADDR']);
    expect(words('s.setsockopt TCP')).toEqual(['TCP_NODELAY ']); // one left: with its space, ready for VALUE
    expect(words('s.setsockopt SO_REUSEADDR ')).toEqual([]); // VALUE is a number
    expect(words('s.shutdown r')).toEqual(['rd', 'rdwr']);
    expect(words('explain ECONNRE')).toEqual(['ECONNREFUSED', 'ECONNRESET']);
    expect(words('display ')).toEqual(['hex', 'text']);
    expect(words('trace o')).toEqual(['off', 'on']);
    expect(words('use ')).toEqual(['s', 'u']);
    expect(words('help recvf')).toEqual(['recvfile', 'recvfrom']);
    expect(words('display h')).toEqual(['hex ']);
    expect(words('x = u.recvfrom ')).toEqual([]);
  });

  // newuser trial 3, finding 10: Tab after a UDP socket's name offered accept, listen, recvline….
  it("offers after NAME. only the calls of that socket's transport, as the command table lists them", async () => {
    await shell.ok('t = tcp.socket', 'v = udp.socket', 'holder = $v');
    const tcpOnly = ['accept', 'listen', 'peek', 'recvexactly', 'recvfile', 'recvline', 'recvuntil', 'sendfile'];
    const both = ['bind', 'close', 'connect', 'recv', 'recvfrom', 'send', 'sendall', 'sendto', 'setsockopt', 'shutdown'];
    for (const name of ['v', 'holder']) {
      const offered = words(`${name}.`);
      expect(offered.filter((m) => tcpOnly.includes(m.slice(name.length + 1)))).toEqual([]);
      for (const m of both) expect(offered).toContain(`${name}.${m}`);
    }
    for (const m of [...tcpOnly, ...both]) expect(words('t.')).toContain(`t.${m}`);
    expect(words('v.re')).toEqual(['v.recv', 'v.recvfrom']);
    expect(words('v.acc')).toEqual([]);
    expect(words('t.acc')).toEqual(['t.accept']);
    // A name that is no socket of the moment (a typo, a closed one) gets every call, as before.
    expect(words('nosuch.acc')).toEqual(['nosuch.accept']);
  });
});
