import { literalFamily } from '../engine/index.js';
import type { Family, SocketHandle, Transport } from '../engine/types.js';
import { addressRepr, type Value } from '../lang/values.js';
import { ADDRESS, destination } from './address-arg.js';
import { reuseAddress, type PyContext } from '../spec/python.js';
import { boundLines, pyPair, socketCall } from './describe.js';
import { refusedWhereUdp } from './moments.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';

/**
 * The project card's shortcuts: several socket calls in one command. Each says which calls it
 * made, so the student sees the Python underneath. HOST defaults to '' (every interface).
 * The family is IPv6 with -6, or when HOST is an IPv6 address (::1), as Python's create_server and
 * create_connection choose it from the address; otherwise IPv4, as the textbook's socket(AF_INET, ...).
 */

const HOST = { name: 'HOST', kind: 'host' } as const;
const PORT = { name: 'PORT', kind: 'port' } as const;
const BACKLOG = { name: 'BACKLOG', kind: 'backlog' } as const;
const FLAGS = { '6': 'IPv6 (AF_INET6) instead of IPv4; an IPv6 HOST (::1) chooses it too' };

export interface Fresh {
  readonly handle: SocketHandle;
  /** The Python line that created it, e.g. `udp1 = socket(AF_INET, SOCK_DGRAM)`. */
  readonly created: string;
  /** The Python variable it is: the assignment's target, else its label (udp1). */
  readonly variable: string;
}

/**
 * Creates the socket, runs the rest of the shortcut, and returns the socket. One command, one
 * outcome: if a later step fails, the half-made socket is closed before the error goes on.
 */
export async function shortcut(
  ctx: CallContext,
  transport: Transport,
  to: { host: string; family?: Family },
  rest: (s: Fresh) => Promise<void>,
): Promise<Value> {
  const family: Family = to.family === 'unix' ? 'unix' : ctx.flags.has('6') || to.family === 6 || literalFamily(to.host) === 6 ? 6 : 4;
  const previous = ctx.scope.current;
  const engine = ctx.session.engine;
  // The socket takes its name at once, so everything said about it meanwhile names it as it will be
  // called; a socket holding the name moves aside, announced only once every step worked. A failed
  // shortcut gives that socket its name back: it leaves other names alone.
  const handle = engine.create(transport, family, { name: ctx.targetName, owner: ctx.scope.owner, displace: 'tentative' });
  const variable = ctx.targetName ?? handle.name;
  ctx.scope.current = handle;
  try {
    await rest({ handle, variable, created: `${variable} = ${socketCall(transport, family)}` });
  } catch (e) {
    engine.close(handle);
    ctx.scope.current = previous;
    throw e;
  }
  engine.claim(handle);
  return { kind: 'socket', handle, transport };
}

/**
 * The exported socket(...) call; host is HOST as a Python expression, when one was written. The
 * family is the one the session's engine used, when the statement ran there; otherwise what the
 * text shows (-6, an IPv6 literal), else IPv4: a variable's value is not known before it runs.
 */
function pySocket(py: PyContext, kind: 'SOCK_DGRAM' | 'SOCK_STREAM', host: string | null): string {
  const literal = host === null ? null : /^'([^'\\]*)'$/.exec(host);
  const six = py.family !== null ? py.family === 6 : py.flag('6') || (literal !== null && literalFamily(literal[1]!) === 6);
  return socketCall(kind === 'SOCK_DGRAM' ? 'udp' : 'tcp', six ? 6 : 4);
}

export const shortcuts: readonly CommandDef[] = [
  defineCommand({
    name: 'udp.bind',
    group: 'shortcut',
    usage: 'udp.bind [HOST] [PORT]',
    forms: [[], [PORT], [{ ...HOST, what: "a host name or address ('' for every interface)" }, PORT]],
    flags: FLAGS,
    summary: 'A UDP server socket in one step: socket + bind (no PORT: the OS picks one)',
    python: { code: "s = socket(AF_INET, SOCK_DGRAM); s.bind(('', 12000))" },
    example: 'udp.bind 12000',
    toPython: (py) => {
      const [host, port] = py.count === 2 ? [py.arg(0), py.arg(1)] : ["''", py.count ? py.arg(0) : '0'];
      const n = py.newName;
      return {
        kind: 'lines',
        lines: [`${n} = ${pySocket(py, 'SOCK_DGRAM', host)}`, `${n}.bind((${host}, ${port}))`],
        defines: { name: n, type: 'socket', transport: 'udp' },
      };
    },
    run(ctx) {
      // [HOST] PORT: one argument is the port; none lets the OS pick.
      const { HOST: host = '', PORT: port = 0 } = ctx.a;
      return shortcut(ctx, 'udp', { host }, async (s) => {
        ctx.info(`${s.created}; ${s.variable}.bind(${pyPair(host, port)})`);
        const a = await ctx.session.engine.bind(s.handle, host, port);
        for (const line of boundLines(s.handle.name, a)) ctx.info(line);
      });
    },
  }),
  defineCommand({
    name: 'tcp.listen',
    group: 'shortcut',
    usage: 'tcp.listen [HOST] [PORT] [BACKLOG]',
    forms: [[], [PORT], [PORT, BACKLOG], [HOST, PORT], [HOST, PORT, BACKLOG]],
    flags: FLAGS,
    summary: 'A TCP welcoming socket in one step: socket + bind + listen',
    python: { code: "s = socket(AF_INET, SOCK_STREAM); s.bind(('', 12000)); s.listen()" },
    example: 'tcp.listen 12000',
    toPython: (py) => {
      const portFirst = py.count === 2 && py.type(0) === 'int';
      const host = py.count >= 2 && !portFirst ? py.arg(0) : "''";
      const port = py.count === 0 ? '0' : portFirst || py.count === 1 ? py.arg(0) : py.arg(1);
      const backlog = portFirst ? py.arg(1) : py.count === 3 ? py.arg(2) : '128';
      const n = py.newName;
      const made = [
        `${n} = ${pySocket(py, 'SOCK_STREAM', host)}`,
        reuseAddress(n),
        `${n}.bind((${host}, ${port}))`,
        `${n}.listen(${backlog})`,
      ];
      return { kind: 'lines', lines: made, defines: { name: n, type: 'socket', transport: 'tcp' } };
    },
    run(ctx) {
      // Two arguments read as PORT BACKLOG when the first is a port number, else HOST PORT (the forms' order).
      const { HOST: host = '', PORT: port = 0, BACKLOG: backlog = 128 } = ctx.a;
      const where = { host, port };
      return shortcut(ctx, 'tcp', where, async (s) => {
        const engine = ctx.session.engine;
        ctx.info(`${s.created}; ${s.variable}.bind(${pyPair(where.host, where.port)}); ${s.variable}.listen(${backlog})`);
        await engine.bind(s.handle, where.host, where.port);
        const a = await engine.listen(s.handle, backlog);
        for (const line of boundLines(s.handle.name, a, '; it is a welcoming socket')) ctx.info(line);
      });
    },
  }),
  defineCommand({
    name: 'tcp.connect',
    group: 'shortcut',
    usage: 'tcp.connect HOST PORT | tcp.connect ADDRESS',
    forms: [[HOST, PORT], [ADDRESS]],
    flags: FLAGS,
    summary: 'A connected TCP client socket in one step: socket + connect (the handshake)',
    python: { code: 's = socket(AF_INET, SOCK_STREAM); s.connect((serverName, 12000))' },
    example: 'tcp.connect localhost 12000',
    toPython: (py) => {
      const n = py.newName;
      return {
        kind: 'lines',
        lines: [`${n} = ${pySocket(py, 'SOCK_STREAM', py.count === 2 ? py.arg(0) : null)}`, `${n}.connect(${py.address(0)})`],
        defines: { name: n, type: 'socket', transport: 'tcp' },
      };
    },
    run(ctx) {
      const to = destination(ctx.a);
      const { host, port } = to;
      return shortcut(ctx, 'tcp', to, async (s) => {
        ctx.info(`${s.created}; ${s.variable}.connect(${pyPair(host, port)})`);
        const { local, remote } = await refusedWhereUdp(ctx, port, ctx.session.engine.connect(s.handle, host, port, ctx.block));
        ctx.info(`handshake done: ${addressRepr(local)} → ${addressRepr(remote)}`);
      });
    },
  }),
];
