import { describe, expect, it } from 'vitest';
import { streamWords } from '../src/run/stream-words.js';
import { SocketError } from '../src/engine/errors.js';

/** `sockshell connect`/`listen` name their sockets udp, tcp, server, conn; nobody typed those names (user trial). */
describe('stream mode words its sockets for users', () => {
  it.each(['udp', 'tcp', 'server', 'conn'])("the engine's messages about socket %s say 'the socket'", (name) => {
    expect(streamWords(new SocketError('ECONNRESET', 'recv', { socket: name }).message)).toBe(
      'ECONNRESET: the peer reset the connection of the socket (it closed with unread data, or crashed) — close this socket (ConnectionResetError)',
    );
    expect(streamWords(new SocketError('ECONNREFUSED_UDP', 'recv', { socket: name, host: '127.0.0.1', port: 9 }).message)).toContain(
      ': a datagram the socket sent there came back',
    );
  });

  it('leaves prose and host names alone', () => {
    const refused = new SocketError('ECONNREFUSED', 'connect', { socket: 'tcp', host: 'server', port: 80 }).message;
    expect(streamWords(refused)).toBe(refused);
    expect(refused).toContain('start the server first');
  });
});
