import { HANG_MS } from './helpers/wait.js';
import { describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { buildLadder } from '../src/diagram/ladder.js';
import { ladderSvg } from '../src/diagram/svg.js';
import type { Exchange } from '../src/record/exchange.js';
import { ExchangeLog } from '../src/record/exchange-log.js';

/** The ladder model and the SVG; the text and Mermaid forms are pinned by test/transcripts/diagram.sockt. */
const a = (host: string, port: number) => ({ host, port, family: 4 as const });
/** A socket as the log names it: its serial is the socket, its name a label. */
const sock = (name: string, serial: number) => ({ name, serial });
const serverSocket = sock('serverSocket', 1);
const clientSocket = sock('clientSocket', 2);
const session: Exchange[] = [
  { kind: 'bind', socket: serverSocket, transport: 'udp', local: a('0.0.0.0', 12000), implicit: false },
  {
    kind: 'send',
    socket: clientSocket,
    transport: 'udp',
    call: 'sendto',
    local: a('0.0.0.0', 53012),
    to: a('localhost', 12000),
    bytes: 5,
    preview: Buffer.from('hello'),
    file: null,
  },
  // What arrived: from a socket of this shell (its sendto is the arrow), and from a peer outside it.
  {
    kind: 'arrived',
    socket: serverSocket,
    transport: 'udp',
    from: a('127.0.0.1', 53012),
    bytes: 5,
    pieces: 1,
    preview: Buffer.from('hello'),
  },
  { kind: 'arrived', socket: clientSocket, transport: 'udp', from: a('127.0.0.1', 9999), bytes: 2, pieces: 1, preview: Buffer.from('hi') },
  {
    kind: 'recv',
    socket: serverSocket,
    transport: 'udp',
    call: 'recvfrom',
    local: a('0.0.0.0', 12000),
    from: a('127.0.0.1', 53012),
    bytes: 5,
    preview: Buffer.from('hello'),
    file: null,
  },
  {
    kind: 'recv',
    socket: clientSocket,
    transport: 'udp',
    call: 'recvfrom',
    local: a('0.0.0.0', 53012),
    from: a('127.0.0.1', 9999),
    bytes: 2,
    preview: Buffer.from('hi'),
    file: null,
  },
];

describe('diagram', () => {
  it('draws a lane per socket and one per peer outside the shell, with the OS-picked port', () => {
    const ladder = buildLadder(session);
    expect(ladder.lanes).toEqual([
      { title: 'serverSocket', kind: 'udp', subtitle: 'UDP 0.0.0.0:12000', socket: { serial: 1, label: 'serverSocket' } },
      { title: 'clientSocket', kind: 'udp', subtitle: 'UDP 0.0.0.0:53012', socket: { serial: 2, label: 'clientSocket' } },
      { title: '127.0.0.1:9999', kind: 'peer', subtitle: 'outside this shell', socket: null },
    ]);
    expect(ladder.rows).toEqual([
      { kind: 'note', lane: 0, text: "bind ('0.0.0.0', 12000)" },
      { kind: 'note', lane: 1, text: 'never bound: the OS picked port 53012' },
      { kind: 'arrow', from: 1, to: 0, label: "sendto 5 B b'hello'", control: false },
      { kind: 'arrow', from: 2, to: 1, label: "2 B b'hi'", control: false },
      { kind: 'note', lane: 0, text: "recvfrom → 5 B b'hello' from ('127.0.0.1', 53012)" },
      { kind: 'note', lane: 1, text: "recvfrom → 2 B b'hi' from ('127.0.0.1', 9999)" },
    ]);
  });

  it('gives each connection its own lane when a server loop reuses the name connectionSocket, closed ones marked so', () => {
    const server = a('0.0.0.0', 12000);
    const conn = (port: number): Exchange[] => {
      const connectionSocket = sock('connectionSocket', port);
      return [
        { kind: 'accept', socket: serverSocket, conn: connectionSocket, local: a('127.0.0.1', 12000), peer: a('127.0.0.1', port) },
        {
          kind: 'arrived',
          socket: connectionSocket,
          transport: 'tcp',
          from: a('127.0.0.1', port),
          bytes: 2,
          pieces: 1,
          preview: Buffer.from('hi'),
        },
        {
          kind: 'recv',
          socket: connectionSocket,
          transport: 'tcp',
          call: 'recv',
          local: a('127.0.0.1', 12000),
          from: a('127.0.0.1', port),
          bytes: 2,
          preview: Buffer.from('hi'),
          file: null,
        },
        { kind: 'fin', socket: connectionSocket, local: a('127.0.0.1', 12000), to: a('127.0.0.1', port), call: 'close' },
      ];
    };
    const ladder = buildLadder([{ kind: 'listen', socket: serverSocket, local: server }, ...conn(50001), ...conn(50002)]);
    expect(ladder.lanes.map((l) => l.title)).toEqual([
      'serverSocket',
      'connectionSocket (closed)',
      '127.0.0.1:50001',
      'connectionSocket (closed)',
      '127.0.0.1:50002',
    ]);
    const accepts = ladder.rows.filter((r) => r.kind === 'arrow' && r.label.startsWith('accept'));
    expect(accepts.map((r) => (r.kind === 'arrow' ? r.to : -1))).toEqual([1, 3]);
  });

  it('draws the handshake before an accept that finished first, and a FIN to a peer that closed first', () => {
    const [w, c, k] = [sock('w', 1), sock('c', 2), sock('s', 3)];
    const [server, client] = [a('127.0.0.1', 12040), a('127.0.0.1', 36178)];
    const ladder = buildLadder([
      { kind: 'listen', socket: w, local: server },
      { kind: 'accept', socket: w, conn: k, local: server, peer: client }, // it was waiting: done first
      { kind: 'connect', socket: c, transport: 'tcp', local: client, remote: server },
      { kind: 'fin', socket: k, local: server, to: client, call: 'close' },
      { kind: 'fin', socket: c, local: client, to: server, call: 'close' },
    ]);
    expect(ladder.lanes.map((l) => l.title)).toEqual(['w', 'c (closed)', 's (closed)']); // no lane for an outsider
    const labels = ladder.rows.map((r) => (r.kind === 'arrow' ? `${r.from}>${r.to} ${r.label}` : `${r.lane}: ${r.text}`));
    expect(labels).toEqual([
      '0: listen: the welcoming socket',
      '1>0 SYN',
      '0>1 SYN+ACK',
      '1>0 ACK: connected',
      "0>2 accept: new socket for ('127.0.0.1', 36178)",
      '2>1 FIN (close)',
      '1>2 FIN (close)',
    ]);
  });

  it("does not draw recv 0 on TCP as the peer's FIN: it asks for nothing, and b'' then means nothing", async () => {
    const shell = new CoreDriver({ maxWaitMs: HANG_MS });
    try {
      await shell.ok(
        'l = tcp.listen 127.0.0.1 0',
        'a = l.getsockname',
        'c = tcp.connect $a',
        'k, ka = l.accept',
        'x = c.recv 0',
        'k.close',
        'y = c.recv 10',
      );
      const drawn = await shell.ok('diagram');
      expect(drawn.match(/the peer closed/g)).toHaveLength(1); // the recv after k.close, not the recv 0
      expect(drawn).not.toMatch(/recv → b''.*\n(.|\n)*FIN \(close\)/); // no b'' drawn before the FIN
    } finally {
      await shell.close();
    }
  });

  it('writes an SVG with escaped text, one header per lane and one arrow per arrow row', () => {
    const svg = ladderSvg(buildLadder(session));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x="[^"]+" y="10"/g)).toHaveLength(3);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(2);
    expect(svg).toContain("sendto 5 B b'hello'");
    expect(svg).not.toMatch(/<text[^>]*>[^<]*[<>&][^<]*<\/text>/);
  });

  it('keeps a long run of arrivals on one socket as a few arrows and one counted arrow, as sockets counts them', () => {
    const log = new ExchangeLog();
    const peer = a('127.0.0.1', 40000);
    log.hear({ kind: 'connected', serial: 1, socket: 'd', transport: 'tcp', local: a('127.0.0.1', 50000), remote: peer, named: null });
    for (let i = 0; i < 10; i++) {
      const data = Buffer.from(`piece${i}`);
      log.hear({
        kind: 'received',
        serial: 1,
        socket: 'd',
        transport: 'tcp',
        bytes: data.length,
        from: peer,
        queued: 0,
        taken: false,
        data,
      });
    }
    const arrows = buildLadder(log.all()).rows.flatMap((r) => (r.kind === 'arrow' && r.from === 1 && r.to === 0 ? [r.label] : []));
    // SYN+ACK, three arrivals one by one, then the other seven as one arrow: 10 pieces, 60 bytes in all.
    expect(arrows).toEqual(['SYN+ACK', "6 B b'piece0'", "6 B b'piece1'", "6 B b'piece2'", '42 B in 7 pieces']);
  });
});
