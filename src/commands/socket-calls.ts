import { andThen } from '../core/completion.js';
import { NONE, address as addressValue, tuple, type Value } from '../lang/values.js';
import { addressRepr, clientRepr, UNKNOWN_CLIENT_WHY } from '../lang/values.js';
import { expr, lines, reuseAddress, socketExpr } from '../spec/python.js';
import { optionCalls } from './socket-options.js';
import { ADDRESS, destination } from './address-arg.js';
import { dataCalls } from './data-calls.js';
import { tellWaiting } from './arrivals.js';
import { closingWords, finBeforeClosing, infoOf, refusedWhereUdp, tellShutdown, tellUnbound } from './moments.js';
import { boundLines, socketCall } from './describe.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';
import { tlsLines } from '../render/tls.js';

/** The socket calls: each is exactly one Python socket method, on NAME or on the current socket. */

function socketValue(ctx: CallContext, transport: 'udp' | 'tcp'): Value {
  const family = ctx.flags.has('6') ? 6 : 4;
  const handle = ctx.session.engine.create(transport, family, { name: ctx.targetName, owner: ctx.scope.owner, displace: true });
  ctx.scope.current = handle;
  ctx.info(`${socketCall(transport, family)} → ${handle.name}`);
  return { kind: 'socket', handle, transport };
}

const create = (transport: 'udp' | 'tcp'): CommandDef => ({
  name: `${transport}.socket`,
  group: 'socket',
  usage: `${transport}.socket [-6]`,
  forms: [[]],
  flags: { '6': 'IPv6 (AF_INET6) instead of IPv4' },
  summary: `Create a ${transport === 'udp' ? 'UDP (datagram)' : 'TCP (stream)'} socket; it becomes the current socket`,
  python: { code: `s = socket(AF_INET, ${transport === 'udp' ? 'SOCK_DGRAM' : 'SOCK_STREAM'})` },
  example: transport === 'udp' ? 'clientSocket = udp.socket' : 'serverSocket = tcp.socket',
  toPython: (py) => socketExpr(socketCall(transport, py.flag('6') ? 6 : 4), transport),
  run: (ctx) => socketValue(ctx, transport),
});

export const socketCalls: readonly CommandDef[] = [
  create('udp'),
  create('tcp'),
  defineCommand({
    name: 'bind',
    group: 'socket',
    method: true,
    usage: 'bind HOST PORT',
    forms: [
      [
        { name: 'HOST', kind: 'host', what: "a host name or address ('' for every interface)" },
        { name: 'PORT', kind: 'port' },
      ],
    ],
    summary: "Give the socket a local address; '' means every interface, port 0 lets the OS pick",
    python: { code: "s.bind(('', 12000))" },
    example: "serverSocket.bind '' 12000",
    toPython: (py) =>
      py.transport === 'tcp'
        ? lines(reuseAddress(py.target), `${py.target}.bind(${py.address(0)})`)
        : lines(`${py.target}.bind(${py.address(0)})`),
    async run(ctx) {
      const s = ctx.socket();
      const a = await ctx.session.engine.bind(s, ctx.a.HOST, ctx.a.PORT);
      for (const line of boundLines(s.name, a)) ctx.info(line);
      return NONE;
    },
  }),
  defineCommand({
    name: 'listen',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'listen [BACKLOG]',
    forms: [[], [{ name: 'BACKLOG', kind: 'backlog' }]],
    summary: 'Make a TCP socket the welcoming socket: it waits for clients; accept takes them',
    python: { code: 's.listen(1)' },
    example: 'serverSocket.listen 1',
    toPython: (py) => lines(`${py.target}.listen(${py.count ? py.arg(0) : ''})`),
    async run(ctx) {
      const s = ctx.socket();
      const a = await ctx.session.engine.listen(s, ctx.a.BACKLOG ?? 128);
      ctx.info(`${s.name} is a welcoming socket listening on ${addressRepr(a)}`);
      return NONE;
    },
  }),
  defineCommand({
    name: 'accept',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'accept',
    forms: [[]],
    summary: 'Wait for a client; returns (connectionSocket, address): a new socket for this client',
    python: { code: 'connectionSocket, addr = s.accept()' },
    example: 'connectionSocket, addr = serverSocket.accept',
    toPython: (py) => {
      if (!py.tlsBothEnds) return socketExpr(`${py.target}.accept()`, 'tcp', 'address');
      py.helper('tls_accept'); // a connection one of this program's TLS clients made may be accepted already
      return socketExpr(`tls_accept(${py.target})`, 'tcp', 'address');
    },
    run(ctx) {
      const s = ctx.socket();
      // Spelled out: spreading ctx.block here cost ~10 µs per accept (V8's slow path for object spread).
      const { signal, maxWaitMs } = ctx.block;
      const options = { here: true, signal, maxWaitMs, name: ctx.targetName, owner: ctx.scope.owner, displace: true } as const;
      const accepting = ctx.session.engine.accept(s, options);
      tellWaiting(ctx, s, 'accept');
      return andThen(accepting, ({ socket, address, tls }) => {
        ctx.scope.current = socket;
        if (ctx.session.showsInfo()) {
          const why = address === null ? `: ${UNKNOWN_CLIENT_WHY}, so addr is None` : '';
          ctx.info(`new connection socket ${socket.name} for ${clientRepr(address)}${why}; ${s.name} keeps welcoming`);
        }
        if (tls) for (const line of tlsLines(tls, '')) ctx.info(line);
        return tuple({ kind: 'socket', handle: socket, transport: 'tcp' }, address === null ? NONE : addressValue(address));
      });
    },
  }),
  defineCommand({
    name: 'connect',
    group: 'socket',
    method: true,
    usage: 'connect HOST PORT | connect ADDRESS',
    forms: [
      [
        { name: 'HOST', kind: 'host' },
        { name: 'PORT', kind: 'port' },
      ],
      [ADDRESS],
    ],
    summary: 'TCP: the three-way handshake with a server. UDP: fix the default destination',
    python: { code: 's.connect((serverName, serverPort))' },
    example: 'clientSocket.connect localhost 12000',
    toPython: (py) => lines(`${py.target}.connect(${py.address(0)})`),
    async run(ctx) {
      const s = ctx.socket();
      const to = destination(ctx.a);
      const tcp = ctx.session.engine.endpoints(s)?.transport === 'tcp';
      const connecting = ctx.session.engine.connect(s, to.host, to.port, ctx.block);
      const { local, remote } = await (tcp ? refusedWhereUdp(ctx, to.port, connecting) : connecting);
      ctx.info(
        tcp
          ? `handshake done: ${addressRepr(local)} → ${addressRepr(remote)}`
          : `${s.name} now sends to ${addressRepr(remote)} by default (no packet was sent)`,
      );
      return NONE;
    },
  }),
  ...dataCalls,
  defineCommand({
    name: 'close',
    group: 'socket',
    method: true,
    usage: 'close',
    forms: [[]],
    summary: 'Close the socket (TCP: after sending what is queued, a FIN tells the peer; with received bytes unread, a reset instead)',
    python: { code: 's.close()' },
    example: 'connectionSocket.close',
    toPython: (py) => lines(`${py.target}.close()`),
    run(ctx) {
      const s = ctx.socket();
      const close = (): Value => {
        const words = closingWords(ctx, s);
        ctx.session.engine.close(s); // closing a closed socket does nothing, as in Python
        for (const w of words) ctx.info(w);
        if (ctx.scope.current?.serial === s.serial) ctx.scope.current = null;
        return NONE;
      };
      const turn = finBeforeClosing(ctx, s);
      return turn === null ? close() : turn.then(close);
    },
  }),
  defineCommand({
    name: 'shutdown',
    group: 'socket',
    method: true,
    usage: 'shutdown rd|wr|rdwr',
    forms: [[{ name: 'HOW', kind: 'how', choices: ['rd', 'wr', 'rdwr'] }]],
    summary:
      "Half-close a TCP connection: wr sends FIN but can still recv; rd stops receiving. On a connected UDP socket nothing is sent: wr makes its sends fail, rd makes a recv with nothing queued return b''",
    python: { code: 's.shutdown(SHUT_WR)' },
    example: 'shutdown wr',
    toPython: (py) => lines(`${py.target}.shutdown(SHUT_${py.arg(0).replace(/'/g, '').toUpperCase()})`),
    run(ctx) {
      const before = infoOf(ctx, ctx.socket());
      const sent = ctx.session.engine.shutdown(ctx.socket(), ctx.a.HOW);
      tellShutdown(ctx, ctx.socket(), ctx.a.HOW, before);
      // Without the addon the FIN goes a loop turn later: the call returns once it has, as Python's.
      return sent instanceof Promise ? sent.then(() => NONE) : NONE;
    },
  }),
  defineCommand({
    name: 'settimeout',
    group: 'socket',
    method: true,
    usage: 'settimeout SECONDS|none',
    forms: [[{ name: 'SECONDS', kind: 'timeout' }]],
    summary: 'Limit how long blocking calls wait (none: forever; 0: never wait)',
    python: { code: 's.settimeout(2.0)' },
    example: 'settimeout 2',
    toPython: (py) => lines(`${py.target}.settimeout(${py.arg(0)})`),
    run(ctx) {
      ctx.session.engine.settimeout(ctx.socket(), ctx.a.SECONDS);
      return NONE;
    },
  }),
  ...optionCalls,
  defineCommand({
    name: 'getsockname',
    group: 'socket',
    method: true,
    usage: 'getsockname',
    forms: [[]],
    summary: "The socket's own address (see the port the OS picked)",
    python: { code: 's.getsockname()' },
    example: 'getsockname',
    toPython: (py) => expr(`${py.target}.getsockname()`, 'address'),
    run(ctx) {
      const s = ctx.socket();
      const a = ctx.session.engine.getsockname(s);
      tellUnbound(ctx, s, a);
      return addressValue(a);
    },
  }),
  defineCommand({
    name: 'getpeername',
    group: 'socket',
    method: true,
    usage: 'getpeername',
    forms: [[]],
    summary: 'The address of the connected peer',
    python: { code: 's.getpeername()' },
    example: 'connectionSocket.getpeername',
    toPython: (py) => expr(`${py.target}.getpeername()`, 'address'),
    run: (ctx) => addressValue(ctx.session.engine.getpeername(ctx.socket())),
  }),
];
