import { expr } from '../export/types.js';
import { int } from '../lang/values.js';
import * as want from './args.js';
import { transferProgress } from './progress.js';
import type { CallContext, CommandDef } from './types.js';

/**
 * Files over a TCP connection: sendfile is Python's socket.sendfile; recvfile is the receiving loop
 * Python writes by hand. Both stream in large chunks with backpressure, so a file of any size passes
 * through in bounded memory, and show a progress line at a terminal when they take a while.
 */

const PATH = { name: 'PATH', kind: 'file' } as const;

async function transfer(ctx: CallContext, run: (onProgress: (done: number, total: number | null) => void) => Promise<number>): Promise<number> {
  const progress = transferProgress(ctx);
  try {
    return await run(progress.onProgress);
  } finally {
    progress.end();
  }
}

export const fileCalls: readonly CommandDef[] = [
  {
    name: 'sendfile',
    group: 'socket',
    method: true,
    usage: 'sendfile PATH',
    forms: [[PATH]],
    summary: 'Send a whole file on a connected TCP socket, in large chunks as the connection takes them; returns the bytes sent',
    python: { code: "s.sendfile(open('photo.jpg', 'rb'))" },
    example: 'clientSocket.sendfile photo.jpg',
    toPython: (py) => expr(`${py.target}.sendfile(open(${py.arg(0)}, 'rb'))`, 'int'),
    async run(ctx) {
      const s = ctx.socket();
      const path = want.path(ctx.args[0]!);
      const { signal, maxWaitMs } = ctx.block;
      const sent = await transfer(ctx, (onProgress) => ctx.session.engine.sendfile(s, path, { signal, maxWaitMs, onProgress }));
      ctx.info(`sent ${sent} bytes of ${path} on ${s.name}`);
      return int(sent);
    },
  },
  {
    name: 'recvfile',
    group: 'socket',
    method: true,
    usage: 'recvfile PATH [NBYTES]',
    forms: [[PATH], [PATH, { name: 'NBYTES', kind: 'count' }]],
    summary: 'Receive into a file (created or emptied) until the peer closes (EOF), or NBYTES; returns the bytes written',
    python: { code: 'while data := s.recv(65536): f.write(data)' },
    example: 'connectionSocket.recvfile copy.jpg',
    toPython: (py) => ({
      kind: 'lines',
      lines: [
        `with open(${py.arg(0)}, 'wb') as f:`,
        py.count > 1 ? `    left = ${py.arg(1)}` : '    left = None',
        `    while (data := ${py.target}.recv(65536 if left is None else min(65536, left))):`,
        '        f.write(data)',
        '        if left is not None:',
        '            left -= len(data)',
        '            if left == 0: break',
      ],
    }),
    async run(ctx) {
      const s = ctx.socket();
      const path = want.path(ctx.args[0]!);
      const nbytes = ctx.args[1] ? want.count(ctx.args[1], 'a number of bytes') : null;
      const { signal, maxWaitMs } = ctx.block;
      const got = await transfer(ctx, (onProgress) => ctx.session.engine.recvfile(s, path, nbytes, { signal, maxWaitMs, onProgress }));
      const why = nbytes !== null && got === nbytes ? `the ${nbytes} asked for` : "up to the peer's FIN";
      ctx.info(`wrote ${got} bytes to ${path}: ${why}`);
      return int(got);
    },
  },
];
