import { NONE, address as addressValue, bytes, int, tuple } from '../lang/values.js';
import { andThen } from '../core/completion.js';
import { joinWords } from './coercers.js';
import { ADDRESS, destination } from './address-arg.js';
import { tellReceived, tellReceivedFrom, tellWaiting } from './arrivals.js';
import { atPrompt, tellMoreWaiting } from './moments.js';
import { tellKernelDrops } from './kernel-drops.js';
import { expr, lines } from '../spec/python.js';
import { defineCommand, type CommandDef } from '../spec/command.js';
import type { PyContext } from '../spec/python.js';
import { tellTextSent } from './text-sent.js';

/**
 * DATA and any words after it, for send, sendall and sendline: `send hi there` sends b'hi there',
 * the words joined by single spaces as print joins them (quote the payload to keep other spacing).
 */
export const WORDS = [
  { name: 'DATA', kind: 'data' },
  { name: 'MORE', kind: 'data', rest: true },
] as const;

/** The words as one Python bytes expression: b'hi there' when all are written out, else a + b' ' + b. */
export function joinedBytes(py: PyContext): string {
  const parts = Array.from({ length: py.count }, (_, i) => py.bytes(i));
  const plain = parts.map((p) => /^b'((?:[^'\\]|\\.)*)'$/.exec(p)?.[1]);
  if (plain.every((p) => p !== undefined)) return `b'${plain.join(' ')}'`;
  return parts.join(" + b' ' + ");
}

/** The socket calls that move data: send, sendall, sendto, recv, recvfrom. The engine tells `diagram` what each did. */
export const dataCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'send',
    group: 'socket',
    method: true,
    usage: 'send DATA ...',
    forms: [WORDS],
    summary: 'Send on a connected socket (several words: joined by single spaces); returns the number of bytes sent',
    addressHint:
      "TCP's send takes no address: the connection already has its destination (connect made it); UDP's sendto takes one: sendto DATA HOST PORT",
    python: { code: 's.send(sentence.encode())' },
    example: 'clientSocket.send $sentence',
    toPython: (py) => expr(`${py.target}.send(${joinedBytes(py)})`, 'int'),
    run(ctx) {
      const n = ctx.session.engine.send(ctx.socket(), joinWords(ctx.a.DATA, ctx.a.MORE), ctx.block);
      return andThen(n, (sent) => {
        tellTextSent(ctx, ctx.args, 'send');
        return int(sent);
      });
    },
  }),
  defineCommand({
    name: 'sendall',
    group: 'socket',
    method: true,
    usage: 'sendall DATA ...',
    forms: [WORDS],
    summary: 'Send all of DATA on a connected socket (several words: joined by single spaces)',
    addressHint:
      "TCP's send takes no address: the connection already has its destination (connect made it); UDP's sendto takes one: sendto DATA HOST PORT",
    python: { code: 's.sendall(data)' },
    example: 'sendall "GET / HTTP/1.0\\r\\n\\r\\n"',
    toPython: (py) => lines(`${py.target}.sendall(${joinedBytes(py)})`),
    async run(ctx) {
      await ctx.session.engine.sendall(ctx.socket(), joinWords(ctx.a.DATA, ctx.a.MORE), ctx.block);
      tellTextSent(ctx, ctx.args, 'sendall');
      return NONE;
    },
  }),
  defineCommand({
    name: 'sendto',
    group: 'socket',
    method: true,
    usage: 'sendto DATA HOST PORT | sendto DATA ADDRESS',
    forms: [
      [
        { name: 'DATA', kind: 'data' },
        { name: 'HOST', kind: 'host', what: 'a host name or address (sendto DATA HOST PORT)' },
        { name: 'PORT', kind: 'port' },
      ],
      [{ name: 'DATA', kind: 'data' }, ADDRESS],
    ],
    summary: 'Send one UDP datagram to an address; the OS adds the source address',
    python: { code: 's.sendto(message.encode(), (serverName, serverPort))' },
    example: 'clientSocket.sendto $message localhost 12000',
    toPython: (py) => expr(`${py.target}.sendto(${py.bytes(0)}, ${py.address(1)})`, 'int'),
    run(ctx) {
      const to = destination(ctx.a);
      const socket = ctx.socket();
      return andThen(ctx.session.engine.sendto(socket, ctx.a.DATA, to.host, to.port, ctx.block), (n) => {
        tellTextSent(ctx, ctx.args.slice(0, 1), 'sendto');
        if (ctx.session.engine.endpoints(socket)?.transport === 'tcp') {
          ctx.warn(
            `${socket.name} is a TCP connection: Linux ignores sendto's address and sends to its peer, as send does; TCP's call is send, which takes no address`,
          );
        }
        return int(n);
      });
    },
  }),
  defineCommand({
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
      const bufsize = ctx.a.BUFSIZE;
      const got = ctx.session.engine.recv(s, bufsize, ctx.block);
      tellWaiting(ctx, s, 'recv');
      return andThen(got, (data) => {
        tellReceived(ctx, s, data, bufsize);
        return bytes(data);
      });
    },
  }),
  defineCommand({
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
      const got = ctx.session.engine.recvfrom(s, ctx.a.BUFSIZE, ctx.block);
      tellWaiting(ctx, s, 'recvfrom');
      return andThen(got, (r) => {
        tellReceivedFrom(ctx, s, r.data, r.address);
        tellMoreWaiting(ctx, s);
        if (atPrompt(ctx)) tellKernelDrops(ctx, s);
        return tuple(bytes(r.data), r.address ? addressValue(r.address) : NONE);
      });
    },
  }),
];
