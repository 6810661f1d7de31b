/** The error table, host/port resolution, the queues and the wait slot, each on its own. */
import { describe, expect, it } from 'vitest';
import { SocketError, fromCode, toSocketError } from '../src/engine/errors.js';
import { ByteQueue, Fifo } from '../src/engine/queues.js';
import { checkDestPort, checkPort, literalHost, resolveHost } from '../src/engine/resolve.js';
import { Waiter } from '../src/engine/waiter.js';
import { fails } from './engine-helpers.js';

describe('SocketError', () => {
  it('phrases each code from context, with the Python exception, on one line', () => {
    const cases: [SocketError, string, string, RegExp][] = [
      [
        fromCode('ECONNREFUSED', 'connect', { host: '127.0.0.1', port: 12000 }),
        'ECONNREFUSED',
        'ConnectionRefusedError',
        /^[A-Z_]+: nothing is listening on 127\.0\.0\.1 port 12000 — start the server first \(ConnectionRefusedError\)$/,
      ],
      [
        fromCode('ECONNREFUSED', 'recv', { host: '127.0.0.1', port: 9, transport: 'udp', socket: 'c' }),
        'ECONNREFUSED',
        'ConnectionRefusedError',
        /ICMP port unreachable/,
      ],
      [
        fromCode('EADDRINUSE', 'bind', { host: '0.0.0.0', port: 12000 }),
        'EADDRINUSE',
        'OSError',
        /0\.0\.0\.0 port 12000 is already in use — a socket of another program holds it \(a server still running\?\); stop it, or pick another port/,
      ],
      [fromCode('EACCES', 'bind', { host: '0.0.0.0', port: 80 }), 'EACCES', 'PermissionError', /port 80 is a well-known port .*above 1023/],
      [
        fromCode('EACCES', 'sendto', { host: '255.255.255.255', port: 9, transport: 'udp', socket: 's' }),
        'EACCES',
        'PermissionError',
        /set SO_BROADCAST on s first/,
      ],
      [
        fromCode('ENOTFOUND', 'connect', { host: 'no..such.host', family: 6 }),
        'ENOTFOUND',
        'socket.gaierror',
        /'no\.\.such\.host' does not resolve to an IPv6 address/,
      ],
      [fromCode('EMSGSIZE', 'sendto', { size: 70000 }), 'EMSGSIZE', 'OSError', /70000 bytes.*max 65507 bytes over IPv4/],
      [
        new SocketError('ETIMEDOUT', 'recv', { seconds: 2 }),
        'ETIMEDOUT',
        'TimeoutError',
        /^[A-Z_]+: recv timed out after 2 s; the socket is still usable \(TimeoutError\)$/,
      ],
      [fromCode('ETIMEDOUT', 'connect', { host: '10.0.0.1', port: 80 }), 'ETIMEDOUT', 'TimeoutError', /no answer from 10\.0\.0\.1 port 80/],
      [
        new SocketError('EINTR', 'recvfrom', { socket: 's' }),
        'EINTR',
        'KeyboardInterrupt',
        /recvfrom cancelled; s stays open and keeps its queued data/,
      ],
      [new SocketError('EAGAIN', 'recv', { socket: 's' }), 'EAGAIN', 'BlockingIOError', /settimeout 0/],
      [new SocketError('EBUSY', 'recv', { socket: 's', pending: 'recvfrom' }), 'EBUSY', 'OSError', /s already has a recvfrom waiting/],
      [new SocketError('EBADF', 'recv', { socket: 'x' }), 'EBADF', 'OSError', /^[A-Z_]+: socket 'x' is closed \(OSError\)$/],
      [fromCode('ECONNRESET', 'recv', { socket: 'c' }), 'ECONNRESET', 'ConnectionResetError', /peer reset the connection of c/],
      [fromCode('EPIPE', 'send', { socket: 'c' }), 'EPIPE', 'BrokenPipeError', /c can no longer send/],
      [fromCode('EHOSTUNREACH', 'connect', { host: '10.1.1.1' }), 'EHOSTUNREACH', 'OSError', /no route to host 10\.1\.1\.1/],
      [fromCode('ENETUNREACH', 'connect', { host: '10.1.1.1' }), 'ENETUNREACH', 'OSError', /network of 10\.1\.1\.1 is unreachable/],
      [fromCode('EADDRNOTAVAIL', 'bind', { host: '10.9.9.9' }), 'EADDRNOTAVAIL', 'OSError', /10\.9\.9\.9 is not an address of this host/],
      [fromCode('EISCONN', 'connect', { socket: 'c' }), 'EISCONN', 'OSError', /c is already connected/],
    ];
    for (const [err, code, python, words] of cases) {
      expect(err).toBeInstanceOf(SocketError);
      expect(err.code).toBe(code);
      expect(err.python).toBe(python);
      expect(err.message).toMatch(words);
      expect(err.message).not.toContain('\n');
    }
  });

  it('uses the code, never the message, of a Node error (AggregateError has none)', () => {
    const aggregate = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    const err = toSocketError(aggregate, 'connect', { host: 'localhost', port: 12000 });
    expect(err.message).toBe(
      'ECONNREFUSED: nothing is listening on localhost port 12000 — start the server first (ConnectionRefusedError)',
    );
    expect(err.call).toBe('connect');
    expect(toSocketError(err, 'recv')).toBe(err);
  });

  it('maps Node-only codes and survives unknown ones', () => {
    expect(toSocketError({ code: 'ERR_SOCKET_BAD_PORT' }, 'sendto').code).toBe('EINVAL');
    expect(toSocketError({ code: 'ERR_STREAM_DESTROYED' }, 'send').code).toBe('EPIPE');
    expect(toSocketError({ code: 'EAI_NONAME' }, 'connect', { host: 'h' }).python).toBe('socket.gaierror');
    const odd = toSocketError({ code: 'EWEIRD' }, 'recv');
    expect([odd.code, odd.python, odd.message]).toEqual(['EWEIRD', 'OSError', 'EWEIRD: recv failed with EWEIRD (OSError)']);
    expect(toSocketError(new Error('no code'), 'recv').code).toBe('EIO');
    expect(toSocketError('a string', 'recv').code).toBe('EIO');
  });
});

describe('resolve', () => {
  it('validates ports', async () => {
    expect(() => checkPort(0, 'bind', 's')).not.toThrow();
    expect(() => checkPort(65535, 'bind', 's')).not.toThrow();
    for (const bad of [-1, 65536, 1.5, Number.NaN]) await fails(() => checkPort(bad, 'bind', 's'), 'EINVAL', 'OverflowError');
    await fails(() => checkDestPort(0, 'sendto', 's'), 'EINVAL', 'OSError');
  });

  it('passes literals through and maps Python host words', async () => {
    expect(literalHost('', 4, 'bind', 's')).toBe('0.0.0.0');
    expect(literalHost('', 6, 'bind', 's')).toBe('::');
    expect(literalHost('<broadcast>', 4, 'sendto', 's')).toBe('255.255.255.255');
    expect(literalHost('10.0.0.1', 4, 'connect', 's')).toBe('10.0.0.1');
    expect(literalHost('::1', 6, 'connect', 's')).toBe('::1');
    expect(literalHost('localhost', 4, 'connect', 's')).toBeNull();
    await fails(() => literalHost('::1', 4, 'connect', 's'), 'EAI_FAMILY', 'socket.gaierror', /'::1' is not an IPv4 address/);
    await fails(() => literalHost('127.0.0.1', 6, 'connect', 's'), 'EAI_FAMILY');
    expect(await resolveHost('localhost', 4, 'connect', 's')).toBe('127.0.0.1');
    await fails(resolveHost('no..such.host', 4, 'connect', 's', 80), 'ENOTFOUND', 'socket.gaierror');
  });
});

describe('queues', () => {
  it('takes bytes across chunk boundaries', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('hello '));
    q.push(Buffer.from(''));
    q.push(Buffer.from('wor'));
    q.push(Buffer.from('ld'));
    expect(q.total).toBe(11);
    expect(q.take(3).toString()).toBe('hel');
    expect(q.take(5).toString()).toBe('lo wo');
    expect(q.total).toBe(3);
    expect(q.take(100).toString()).toBe('rld');
    expect(q.take(1).length).toBe(0);
    q.push(Buffer.from('abc'));
    expect(q.take(3).toString()).toBe('abc');
    q.push(Buffer.from('x'));
    q.clear();
    expect(q.total).toBe(0);
  });

  it('keeps FIFO order through many pushes and shifts', () => {
    const f = new Fifo<number>();
    for (let i = 0; i < 3000; i += 1) f.push(i);
    for (let i = 0; i < 2000; i += 1) expect(f.shift()).toBe(i);
    f.push(3000);
    expect(f.length).toBe(1001);
    expect(f.drain()[0]).toBe(2000);
    expect(f.shift()).toBeUndefined();
  });
});

describe('Waiter', () => {
  it('wakes, times out, cancels and fails, then is idle again', async () => {
    const w = new Waiter();
    expect(w.wake()).toBe(false);
    w.begin('recv', 's', null, {});
    const slept = w.sleep();
    expect(w.wake()).toBe(true);
    await slept;
    w.end();
    expect(w.call).toBeNull();

    w.begin('recv', 's', 0.02, {});
    await fails(w.sleep(), 'ETIMEDOUT', 'TimeoutError', /recv timed out after 0\.02 s/);
    w.end();

    const ac = new AbortController();
    w.begin('accept', 's', null, { signal: ac.signal, maxWaitMs: 1000 });
    const cancelled = w.sleep();
    ac.abort();
    await fails(cancelled, 'EINTR', 'KeyboardInterrupt');
    w.end();
    await fails(() => w.begin('recv', 's', null, { signal: ac.signal }), 'EINTR');
    expect(w.call).toBeNull();

    w.begin('recv', 's', null, {});
    w.fail(new SocketError('EBADF', 'recv', { socket: 's' }));
    await fails(w.sleep(), 'EBADF'); // a failure while not sleeping is kept for the next sleep
    w.end();
  });
});
