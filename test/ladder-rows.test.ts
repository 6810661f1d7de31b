import { describe, expect, it } from 'vitest';
import { buildLadder } from '../src/diagram/ladder.js';
import type { Exchange } from '../src/record/exchange.js';

/**
 * The ladder's rows for the kinds of log entry no other test draws: a connected UDP socket's
 * connect, recv after shutdown rd, an end the OS could not name, this side's own reset, an outside
 * peer's RST and ICMP host unreachable, an error that is no packet, a connect that got no answer, and
 * a Unix socket's end of stream. Pinned row by row, so a change to the ladder's code shows here.
 */

const a = (host: string, port: number) => ({ host, port, family: 4 as const });
const u = (path: string) => ({ host: path, port: 0, family: 'unix' as const });
const sock = (name: string, serial: number) => ({ name, serial });
const rows = (log: Exchange[]): string[] =>
  buildLadder(log).rows.map((r) =>
    r.kind === 'arrow' ? `${r.from}>${r.to}${r.control ? ' ctl' : ''} ${r.label}` : `${r.lane}: ${r.text}`,
  );

const c = sock('c', 1);
const [here, there] = [a('127.0.0.1', 40000), a('127.0.0.1', 12000)];
const connected: Exchange = { kind: 'connect', socket: c, transport: 'tcp', local: here, remote: there };
const recv = (bytes: number): Exchange => ({
  kind: 'recv',
  socket: c,
  transport: 'tcp',
  call: 'recv',
  local: here,
  from: there,
  bytes,
  preview: Buffer.alloc(0),
  file: null,
});

describe('ladder rows', () => {
  it('notes a UDP connect as sending nothing, and titles a peer nothing came back from as a destination', () => {
    const log: Exchange[] = [{ kind: 'connect', socket: c, transport: 'udp', local: here, remote: there }];
    expect(rows(log)).toEqual(["0: connect ('127.0.0.1', 12000): no packet sent"]);
    expect(buildLadder(log).lanes.map((l) => l.subtitle)).toEqual(['UDP 127.0.0.1:40000']);
  });

  it("says recv's b'' after shutdown rd is that shutdown, and draws the shutdown's FIN as rdwr", () => {
    const log: Exchange[] = [
      connected,
      { kind: 'shut', socket: c, transport: 'tcp', how: 'rdwr', fin: true, refused: null },
      recv(0),
      { kind: 'fin', socket: c, local: here, to: there, call: 'shutdown' },
    ];
    expect(rows(log)).toEqual([
      '0>1 ctl SYN',
      '1>0 ctl SYN+ACK',
      '0>1 ctl ACK: connected',
      "0: recv → b'' (shut down for reading)",
      '0>1 ctl FIN (shutdown rdwr)',
    ]);
  });

  it('draws an end the OS could not name as FIN or RST, and a FIN as FIN, from the outside peer', () => {
    const ended = (end: 'fin' | 'unknown'): Exchange => ({ kind: 'ended', socket: c, end });
    expect(rows([connected, ended('unknown'), recv(0)]).slice(3)).toEqual([
      '1>0 ctl FIN or RST (the OS did not say which)',
      "0: recv → b'' (the peer closed)",
    ]);
    expect(rows([connected, ended('fin')]).slice(3)).toEqual(['1>0 ctl FIN']);
  });

  it("draws this side's own reset after shutdown rd as its RST to the peer, by the kernel or by the shell", () => {
    const own = (by: 'kernel' | 'shell'): Exchange => ({ kind: 'failed', socket: c, code: 'ECONNRESET', ownReset: by });
    expect(rows([connected, own('kernel')]).slice(3)).toEqual(['0>1 ctl RST from its kernel (data after shutdown rd)']);
    expect(rows([connected, own('shell')]).slice(3)).toEqual(['0>1 ctl RST from the shell (data after shutdown rd)']);
  });

  it('notes its own reset when the peer in this shell already drew an RST to it', () => {
    const k = sock('k', 2);
    const log: Exchange[] = [
      { kind: 'listen', socket: sock('w', 3), local: there },
      connected,
      { kind: 'accept', socket: sock('w', 3), conn: k, local: there, peer: here },
      { kind: 'reset', socket: k, local: there, to: here, unread: 0 },
      { kind: 'failed', socket: c, code: 'ECONNRESET' },
      { kind: 'failed', socket: c, code: 'ECONNRESET', ownReset: 'kernel' },
    ];
    expect(rows(log).slice(5)).toEqual([
      '2>1 ctl RST (close with SO_LINGER 0)',
      '1: ECONNRESET arrived',
      '1>2 ctl RST from its kernel (data after shutdown rd)',
    ]);
  });

  it("draws an outside peer's RST and EPIPE as its RST, and an error that is no packet as a note", () => {
    const failed = (code: string): Exchange => ({ kind: 'failed', socket: c, code });
    expect(rows([connected, failed('ECONNRESET'), failed('EPIPE'), failed('ETIMEDOUT')]).slice(3)).toEqual([
      '1>0 ctl RST (ECONNRESET)',
      '1>0 ctl RST (the next send: EPIPE)',
      '0: ETIMEDOUT arrived',
    ]);
  });

  it('draws ICMP host unreachable on a connected UDP socket from the address, which is then known to answer', () => {
    const log: Exchange[] = [
      { kind: 'connect', socket: c, transport: 'udp', local: here, remote: there },
      { kind: 'failed', socket: c, code: 'EHOSTUNREACH' },
    ];
    expect(rows(log)).toEqual(["0: connect ('127.0.0.1', 12000): no packet sent", '1>0 ctl ICMP host unreachable (EHOSTUNREACH)']);
    expect(buildLadder(log).lanes[1]!.subtitle).toBe('outside this shell');
  });

  it('draws a connect that got no answer and one that failed otherwise as the SYN and a note', () => {
    const failed = (code: string): Exchange => ({ kind: 'connectFailed', socket: c, transport: 'tcp', remote: there, code, tls: null });
    expect(rows([failed('ETIMEDOUT')])).toEqual(['0>1 ctl SYN', '0: connect: no answer (ETIMEDOUT)']);
    expect(rows([failed('ENETUNREACH')])).toEqual(['0>1 ctl SYN', '0: connect failed: ENETUNREACH']);
    expect(buildLadder([failed('ETIMEDOUT')]).lanes[1]!.subtitle).toBe('a destination: nothing came back');
  });

  it("draws a Unix socket's close as its end of stream, and a close with bytes unread as a reset", () => {
    const [w, k] = [sock('w', 3), sock('k', 2)];
    const [path, client] = [u('/tmp/s.sock'), u('')];
    const log: Exchange[] = [
      { kind: 'listen', socket: w, local: path },
      { kind: 'connect', socket: c, transport: 'tcp', local: client, remote: path },
      { kind: 'accept', socket: w, conn: k, local: path, peer: client },
      { kind: 'fin', socket: c, local: client, to: path, call: 'close' },
      { kind: 'reset', socket: k, local: path, to: client, unread: 3 },
    ];
    expect(rows(log)).toEqual([
      '0: listen: the welcoming socket',
      '1>0 ctl connect: joined by the kernel (no handshake)',
      "0>2 ctl accept: new socket for ''",
      '1>2 ctl end of stream (close)',
      '2>1 ctl reset (close with 3 B unread)',
    ]);
  });

  it('notes a close, a datagram cut to BUFSIZE, and a relabel on the lane of the socket', () => {
    const s = sock('s', 4);
    const log: Exchange[] = [
      { kind: 'bind', socket: s, transport: 'udp', local: there, implicit: false },
      { kind: 'cut', socket: s, size: 3000, bufsize: 2048 },
      { kind: 'relabel', socket: sock('old_s', 4) },
      { kind: 'close', socket: s },
    ];
    expect(rows(log)).toEqual([
      "0: bind ('127.0.0.1', 12000)",
      '0: a 3000 B datagram cut to BUFSIZE 2048',
      '0: s now names a new socket; this one is old_s',
      '0: close',
    ]);
    expect(buildLadder(log).lanes[0]!.title).toBe('old_s (closed)');
  });

  it('notes a stream send of 0 bytes on its lane: nothing goes on the wire (no empty segment), while an empty datagram does', () => {
    const send = (transport: 'tcp' | 'udp', call: string): Exchange => ({
      kind: 'send',
      socket: c,
      transport,
      call,
      local: here,
      to: there,
      bytes: 0,
      preview: Buffer.alloc(0),
      file: null,
    });
    expect(rows([connected, send('tcp', 'send'), send('tcp', 'sendall')]).slice(3)).toEqual([
      "0: send 0 B b'': nothing sent (TCP sends no segment for 0 bytes)",
      "0: sendall 0 B b'': nothing sent (TCP sends no segment for 0 bytes)",
    ]);
    const udp: Exchange = { kind: 'connect', socket: c, transport: 'udp', local: here, remote: there };
    expect(rows([udp, send('udp', 'send')]).slice(1)).toEqual(["0>1 send 0 B b''"]);
  });
});
