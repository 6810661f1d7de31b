import { describe, expect, it } from 'vitest';
import { streamWords } from '../src/run/stream-words.js';
import { SocketError } from '../src/engine/errors.js';

/** `sockshell connect`/`listen` name their sockets udp, tcp, server, conn; nobody typed those names (user trial). */
describe('stream mode words its sockets for users', () => {
  it.each(['udp', 'tcp', 'server', 'conn'])("the engine's messages about socket %s say 'the socket'", (name) => {
    expect(streamWords(new SocketError('ECONNRESET', 'recv', { socket: name }).message)).toBe(
      'ECONNRESET: the peer reset the connection (it closed with unread data, or crashed) — the connection is over; run the command again for a new one (ConnectionResetError)',
    );
    expect(streamWords(new SocketError('ECONNREFUSED_UDP', 'recv', { socket: name, host: '127.0.0.1', port: 9 }).message)).toContain(
      ': a datagram the socket sent there came back',
    );
  });

  it('gives advice that fits the command line, where there is no socket to close or set an option on (user trial)', () => {
    const say = (key: 'ECONNRESET' | 'ECONNABORTED' | 'EADDRNOTAVAIL' | 'EACCES_BROADCAST', call: string) =>
      streamWords(new SocketError(key, call, { socket: 'tcp', host: '10.9.9.9', port: 9 }).message);
    for (const text of [say('ECONNRESET', 'recv'), say('ECONNABORTED', 'recv')]) {
      expect(text).not.toContain('close this socket');
      expect(text).toContain('— the connection is over; run the command again for a new one');
    }
    expect(say('EADDRNOTAVAIL', 'bind')).toContain('— leave HOST out (every interface), or give 127.0.0.1');
    expect(say('EACCES_BROADCAST', 'send')).toContain('the command line cannot set SO_BROADCAST');
  });

  it('leaves prose and host names alone', () => {
    const refused = new SocketError('ECONNREFUSED', 'connect', { socket: 'tcp', host: 'server', port: 80 }).message;
    expect(streamWords(refused)).toBe(refused);
    expect(refused).toContain('start the server first');
  });
});
