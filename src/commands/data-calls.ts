import { NONE, address as addressValue, bytes, int, tuple } from '../lang/values.js';
import * as want from './args.js';
import { tellReceived, tellReceivedFrom, tellWaiting } from './arrivals.js';
import { tellMoreWaiting } from './moments.js';
import { expr, lines } from '../spec/python.js';
import type { CommandDef } from '../spec/command.js';

/** The socket calls that move data: send, sendall, sendto, recv, recvfrom. The engine tells `diagram` what each did. */
export const dataCalls: readonly CommandDef[] = [
  {
    name: 'send',
    group: 'socket',
    method: true,
    usage: 'send DATA',
    forms: [[{ name: 'DATA', kind: 'data' }]],
    summary: 'Send on a connected socket; returns the number of bytes sent',
    tooManyHint:
      "TCP's send takes no address: the connection already has its destination (connect made it); UDP's sendto takes one: sendto DATA HOST PORT",
    python: { code: 's.send(sentence.encode())' },
    example: 'clientSocket.send $sentence',
    toPython: (py) => expr(`${py.target}.send(${py.bytes(0)})`, 'int'),
    run(ctx) {
      const data = want.data(ctx.args[0]!);
      const n = ctx.session.engine.send(ctx.socket(), data, ctx.block);
      return typeof n === 'number' ? int(n) : n.then(int);
    },
  },
  {
    name: 'sendall',
    group: 'socket',
    method: true,
    usage: 'sendall DATA',
    forms: [[{ name: 'DATA', kind: 'data' }]],
    summary: 'Send all of DATA on a connected socket',
    tooManyHint:
      "TCP's send takes no address: the connection already has its destination (connect made it); UDP's sendto takes one: sendto DATA HOST PORT",
    python: { code: 's.sendall(data)' },
    example: 'sendall "GET / HTTP/1.0\\r\\n\\r\\n"',
    toPython: (py) => lines(`${py.target}.sendall(${py.bytes(0)})`),
    async run(ctx) {
      await ctx.session.engine.sendall(ctx.socket(), want.data(ctx.args[0]!), ctx.block);
      return NONE;
    },
  },
  {
    name: 'sendto',
    group: 'socket',
    method: true,
    usage: 'sendto DATA HOST PORT | sendto DATA ADDRESS',
    forms: [
      [
        { name: 'DATA', kind: 'data' },
        { name: 'HOST', kind: 'host' },
        { name: 'PORT', kind: 'port' },
      ],
      [
        { name: 'DATA', kind: 'data' },
        { name: 'ADDRESS', kind: 'address' },
      ],
    ],
    summary: 'Send one UDP datagram to an address; the OS adds the source address',
    python: { code: 's.sendto(message.encode(), (serverName, serverPort))' },
    example: 'clientSocket.sendto $message localhost 12000',
    toPython: (py) => expr(`${py.target}.sendto(${py.bytes(0)}, ${py.address(1)})`, 'int'),
    run(ctx) {
      const args = ctx.args;
      const payload = want.data(args[0]!);
      const to = want.hostAndPort(args, 1);
      return ctx.session.engine.sendto(ctx.socket(), payload, to.host, to.port, ctx.block).then(int);
    },
  },
  {
    name: 'recv',
    group: 'socket',
    method: true,
    usage: 'recv BUFSIZE',
    forms: [[{ name: 'BUFSIZE', kind: 'bufsize' }]],
    summary: "Wait for data: up to BUFSIZE bytes; b'' when the peer has closed",
    python: { code: 'data = s.recv(1024)' },
    example: 'modifiedSentence = clientSocket.recv 1024',
    toPython: (py) => expr(`${py.target}.recv(${py.arg(0)})`, 'bytes'),
    run(ctx) {
      const s = ctx.socket();
      const bufsize = want.bufsize(ctx.args[0]!);
      const got = ctx.session.engine.recv(s, bufsize, ctx.block);
      tellWaiting(ctx, s, 'recv');
      return got.then((data) => {
        tellReceived(ctx, s, data, bufsize);
        return bytes(data);
      });
    },
  },
  {
    name: 'recvfrom',
    group: 'socket',
    method: true,
    usage: 'recvfrom BUFSIZE',
    forms: [[{ name: 'BUFSIZE', kind: 'bufsize' }]],
    summary: "Wait for one datagram; returns (data, sender's address)",
    python: { code: 'message, clientAddress = s.recvfrom(2048)' },
    example: 'message, clientAddress = serverSocket.recvfrom 2048',
    toPython: (py) => expr(`${py.target}.recvfrom(${py.arg(0)})`, 'bytes', 'address'),
    run(ctx) {
      const s = ctx.socket();
      const got = ctx.session.engine.recvfrom(s, want.bufsize(ctx.args[0]!), ctx.block);
      tellWaiting(ctx, s, 'recvfrom');
      return got.then((r) => {
        tellReceivedFrom(ctx, r.data, r.address);
        tellMoreWaiting(ctx, s);
        return tuple(bytes(r.data), r.address ? addressValue(r.address) : NONE);
      });
    },
  },
];
