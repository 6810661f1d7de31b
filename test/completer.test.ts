import { describe, expect, it } from 'vitest';
import { complete, type CompletionSources } from '../src/repl/completer.js';

const sources: CompletionSources = {
  commands: ['recv', 'recvfrom', 'print', 'udp.socket'],
  methods: ['recv', 'recvfrom', 'close'],
  sockets: () => ['udp1', 'serverSocket'],
  variables: () => ['serverSocket', 'clientSocket', 'message', '_'],
  // clientSocket was closed: a variable still holds it, but it is no longer a socket to call.
  socketVariables: () => ['serverSocket'],
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
