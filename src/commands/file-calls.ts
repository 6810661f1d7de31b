import { expr } from '../spec/python.js';
import type { SocketHandle, TransferOptions } from '../engine/types.js';
import { int } from '../lang/values.js';
import { transferProgress } from './progress.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';

/**
 * Files over a TCP connection: sendfile is Python's socket.sendfile; recvfile is the receiving loop
 * Python writes by hand. Both stream in large chunks with backpressure, so a file of any size passes
 * through in bounded memory, and show a progress line at a terminal when they take a while.
 */

const PATH = { name: 'PATH', kind: 'file' } as const;
const WRITTEN = { name: 'PATH', kind: 'file', writes: true } as const;

interface Transfer {
  readonly socket: SocketHandle;
  readonly path: string;
  readonly bytes: number;
  /** recvfile stopped at the end of the connection: the peer's FIN, or an end the OS did not explain. */
  readonly end: 'fin' | 'unknown' | null;
}

/** The socket and PATH of a file call, and its transfer run with the progress line around it. */
async function transfer(
  ctx: CallContext<{ readonly PATH: string }>,
  run: (socket: SocketHandle, path: string, options: TransferOptions) => Promise<number>,
): Promise<Transfer> {
  const socket = ctx.socket();
  const path = ctx.a.PATH;
  const progress = transferProgress(ctx);
  const { signal, maxWaitMs } = ctx.block;
  let end: Transfer['end'] = null;
  const onEnd = (fin: boolean) => (end = fin ? 'fin' : 'unknown');
  try {
    const bytes = await run(socket, path, { signal, maxWaitMs, onProgress: progress.onProgress, onEnd });
    return { socket, path, bytes, end };
  } finally {
    progress.end();
  }
}

export const fileCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'sendfile',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'sendfile PATH',
    forms: [[PATH]],
    summary: 'Send a whole file on a connected TCP socket, in large chunks as the connection takes them; returns the bytes sent',
    python: { code: "s.sendfile(open('photo.jpg', 'rb'))" },
    example: 'clientSocket.sendfile photo.jpg',
    toPython: (py) => expr(`${py.target}.sendfile(open(${py.arg(0)}, 'rb'))`, 'int'),
    async run(ctx) {
      const sent = await transfer(ctx, (socket, path, options) => ctx.session.engine.sendfile(socket, path, options));
      ctx.info(`sent ${sent.bytes} bytes of ${sent.path} on ${sent.socket.name}`);
      return int(sent.bytes);
    },
  }),
  defineCommand({
    name: 'recvfile',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'recvfile PATH [NBYTES]',
    forms: [[WRITTEN], [WRITTEN, { name: 'NBYTES', kind: 'count', what: 'a number of bytes' }]],
    summary: 'Receive into a file (created or emptied) until the peer closes (EOF), or NBYTES; returns the bytes written',
    python: { code: 'while data := s.recv(65536): f.write(data)' },
    example: 'connectionSocket.recvfile copy.jpg',
    // A function (export/helpers.ts) rather than the loop written in place: its count is a value, so
    // `n = recvfile ...` sets n, and an echo prints it, as the shell's call returns the bytes written.
    toPython: (py) => {
      py.helper('recvfile');
      return expr(`recvfile(${py.target}, ${py.arg(0)}${py.count > 1 ? `, ${py.arg(1)}` : ''})`, 'int');
    },
    async run(ctx) {
      const nbytes = ctx.a.NBYTES ?? null;
      const got = await transfer(ctx, (socket, path, options) => ctx.session.engine.recvfile(socket, path, nbytes, options));
      const why =
        got.end === null
          ? `the ${nbytes ?? got.bytes} asked for`
          : got.end === 'fin'
            ? "up to the peer's FIN"
            : 'up to the end of the connection (FIN or reset; the OS did not say which)';
      ctx.info(`wrote ${got.bytes} bytes to ${got.path}: ${why}`);
      return int(got.bytes);
    },
  }),
];
