import { describe, expect, it } from 'vitest';
import { streamWords } from '../src/run/stream-words.js';
import { SocketError } from '../src/engine/errors.js';

/** `sockshell connect`/`listen` name their sockets client, server, conn (udp, tcp before); nobody typed those names (user trial). */
describe('stream mode words its sockets for users', () => {
  it.each(['client', 'udp', 'tcp', 'server', 'conn'])("the engine's messages about socket %s say 'the socket'", (name) => {
    expect(streamWords(new SocketError('ECONNRESET', 'recv', { socket: name }).message)).toBe(
      'ECONNRESET: the peer reset the connection (it closed with data unread, as a crash does, or aborted with SO_LINGER 0) — the connection is over; run the command again for a new one (ConnectionResetError)',
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

  it("words the event loop's sendall count and the listener nc-mode closes for the command line", () => {
    const epipe = new SocketError('EPIPE', 'send', { socket: 'tcp' }).withSent(0, 65536).message;
    expect(epipe).toContain("send had sent 0 bytes of 65536 when it stopped (Python's send does not say how many)");
    expect(streamWords(epipe)).toBe(
      'EPIPE: the socket can no longer send: the connection is gone (the peer closed it); 0 of the last 65536 bytes of input had gone out (BrokenPipeError)',
    );
    const floor = new SocketError('EPIPE', 'sendall', { socket: 'tcp' }).withSent(2048, 65536, true).message;
    expect(streamWords(floor)).toContain('; at least 2048 of the last 65536 bytes of input had gone out (BrokenPipeError)');
    // session/events.ts's warning for a listener closed with a client in its queue.
    expect(
      streamWords(
        "server was closed with the connection that was waiting for accept: as Linux does, it was reset (RST), and its client's next call fails with ECONNRESET (ConnectionResetError)",
      ),
    ).toBe(
      "the listening socket was closed once it had its client (listen serves one, as nc does; -k serves each), with the connection that was waiting for accept: as Linux does, it was reset (RST), and its client's next call fails with ECONNRESET (ConnectionResetError)",
    );
  });

  it('leaves prose and host names alone', () => {
    const refused = new SocketError('ECONNREFUSED', 'connect', { socket: 'tcp', host: 'server', port: 80 }).message;
    expect(streamWords(refused)).toBe(refused);
    expect(refused).toContain('start the server first');
  });
});
