import { defineCommand, type CommandDef } from '../spec/command.js';
import { pyHost } from './describe.js';
import { shortcut } from './shortcuts.js';

/**
 * Unix domain stream sockets (AF_UNIX, SOCK_STREAM), as node:net offers them: the address is a path
 * on this host, a server's listen creates the socket file there, and a client connects to the file.
 * There is no handshake on a wire and no port; otherwise it is TCP's byte stream, and accept, send,
 * recv, shutdown and close work as they do there. Closing the listener removes its file (Node's
 * doing; Python's close leaves it, which is why a restarted Python server meets EADDRINUSE).
 */

const PATH = { name: 'PATH', kind: 'file' } as const;
const BACKLOG = { name: 'BACKLOG', kind: 'backlog' } as const;

export const unixCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'unix.connect',
    group: 'shortcut',
    usage: 'unix.connect PATH',
    forms: [[PATH]],
    summary: 'A connected Unix domain stream socket in one step: socket(AF_UNIX) + connect to the socket file at PATH',
    python: { code: "s = socket(AF_UNIX, SOCK_STREAM); s.connect('/tmp/echo.sock')" },
    example: 'unix.connect /tmp/echo.sock',
    toPython: (py) => {
      const n = py.newName;
      return {
        kind: 'lines',
        lines: [`${n} = socket(AF_UNIX, SOCK_STREAM)`, `${n}.connect(${py.arg(0)})`],
        defines: { name: n, type: 'socket' },
      };
    },
    run(ctx) {
      const path = ctx.a.PATH;
      const engine = ctx.session.engine;
      return shortcut(ctx, 'tcp', { host: path, family: 'unix' }, async (s) => {
        ctx.info(`${s.created}; ${s.variable}.connect(${pyHost(path)})`);
        await engine.connect(s.handle, path, 0, ctx.block);
        ctx.info(
          `connected to ${pyHost(path)}: no packets and no handshake, the kernel joined the two ends at once; ${s.handle.name} itself has no name ('')`,
        );
      });
    },
  }),
  defineCommand({
    name: 'unix.listen',
    group: 'shortcut',
    usage: 'unix.listen PATH [BACKLOG]',
    forms: [[PATH], [PATH, BACKLOG]],
    summary: 'A Unix domain welcoming socket in one step: socket(AF_UNIX) + bind (creates the socket file at PATH) + listen',
    python: { code: "s = socket(AF_UNIX, SOCK_STREAM); s.bind('/tmp/echo.sock'); s.listen()" },
    example: 'unix.listen /tmp/echo.sock',
    toPython: (py) => {
      const n = py.newName;
      const backlog = py.count === 2 ? py.arg(1) : '128';
      return {
        kind: 'lines',
        lines: [`${n} = socket(AF_UNIX, SOCK_STREAM)`, `${n}.bind(${py.arg(0)})`, `${n}.listen(${backlog})`],
        defines: { name: n, type: 'socket' },
      };
    },
    run(ctx) {
      const { PATH: path, BACKLOG: backlog = 128 } = ctx.a;
      const engine = ctx.session.engine;
      return shortcut(ctx, 'tcp', { host: path, family: 'unix' }, async (s) => {
        ctx.info(`${s.created}; ${s.variable}.bind(${pyHost(path)}); ${s.variable}.listen(${backlog})`);
        await engine.bind(s.handle, path, 0);
        await engine.listen(s.handle, backlog);
        ctx.info(
          `${s.handle.name} bound to ${pyHost(path)}: listen created the socket file; it is a welcoming socket, and closing it removes the file`,
        );
      });
    },
  }),
];
