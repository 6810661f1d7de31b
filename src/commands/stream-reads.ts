import type { StreamRead, StreamReadResult } from '../engine/types.js';
import { NONE, bytes, repr, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { joinWords } from './coercers.js';
import { expr, lines } from '../spec/python.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';
import { WORDS, joinedBytes } from './data-calls.js';
import { tellTextSent } from './text-sent.js';
import { tellReceived } from './arrivals.js';

/**
 * Reads of a TCP byte stream by line, by delimiter and by count, a look without taking, and a line
 * sent: what protocol work needs beyond recv (pwntools' recvline, recvuntil, recvn; Python's
 * makefile().readline()). They share the socket's receive queue with recv: bytes that arrived past
 * what a call takes stay queued for the next call, whichever it is.
 *
 * At the end of the stream each returns b'' when nothing is left, as recv does, so a loop can stop
 * on it; when the peer closed part-way (half a line, 3 of 8 bytes) it fails, says what is left, and
 * leaves it queued for recv.
 */

const DROP = { drop: 'leave the line end (\\r\\n or \\n) or the delimiter out of the result' } as const;

/**
 * The read's result (shaped: the line end or delimiter dropped), said in one `#` line when assigned at
 * the prompt, as an assigned recv says it (trial 7: they said nothing).
 */
async function streamRead(ctx: CallContext, read: StreamRead, wanted: string, shape = (data: Buffer) => data): Promise<Value> {
  const data = shape(await takeStream(ctx, read, wanted));
  tellReceived(ctx, ctx.socket(), data, 1);
  return bytes(data);
}

/** Runs the read and turns the end of the stream, or a queue full with no delimiter, into its result or error. */
async function takeStream(ctx: CallContext, read: StreamRead, wanted: string): Promise<Buffer> {
  const got: StreamReadResult = await ctx.session.engine.readStream(ctx.socket(), read, ctx.block);
  switch (got.kind) {
    case 'data':
      return got.data;
    case 'ended': {
      if (got.left.length === 0) return Buffer.alloc(0);
      const n = got.left.length;
      throw new ShellError(
        `the peer closed the connection before ${wanted} came; ${n} byte${n === 1 ? ' is' : 's are'} left, still queued: ${clip(got.left)} (recv ${n} takes them; Python: EOFError)`,
        ctx.span,
      );
    }
    case 'full':
      throw new ShellError(`no ${wanted} in the ${got.queued} bytes queued, and the receive queue is full: recv takes them`, ctx.span);
    default: {
      const exhaustive: never = got;
      return exhaustive;
    }
  }
}

function clip(data: Buffer): string {
  const shown = repr(bytes(data.length > 64 ? data.subarray(0, 64) : data));
  return data.length > 64 ? `${shown}…` : shown;
}

/** The line end dropped: \r\n or \n. */
function dropLineEnd(line: Buffer): Buffer {
  if (line.length === 0) return line;
  return line.subarray(0, line.length - (line.length >= 2 && line[line.length - 2] === 0x0d ? 2 : 1));
}

const LF = Buffer.from('\n');

export const streamReads: readonly CommandDef[] = [
  defineCommand({
    name: 'recvline',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'recvline [--drop]',
    forms: [[]],
    flags: DROP,
    summary: "Wait for one line, up to and including \\n (--drop leaves \\r\\n or \\n out); b'' when the peer has closed",
    python: { code: 'line = s.makefile("rb").readline()' },
    example: 'line = recvline --drop',
    toPython: (py) => {
      py.helper('recvline');
      return expr(`recvline(${py.target}${py.flag('drop') ? ', drop=True' : ''})`, 'bytes');
    },
    async run(ctx) {
      const drop = ctx.flags.has('drop');
      return streamRead(ctx, { call: 'recvline', delim: LF }, "the end of the line (b'\\n')", (line) => (drop ? dropLineEnd(line) : line));
    },
  }),
  defineCommand({
    name: 'recvuntil',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'recvuntil DELIM [--drop]',
    forms: [[{ name: 'DELIM', kind: 'data' }]],
    flags: DROP,
    summary: "Wait for bytes up to and including DELIM (--drop leaves it out); b'' when the peer has closed",
    python: { code: 'while delim not in data: data += s.recv(1)' },
    example: 'head = recvuntil "\\r\\n\\r\\n"',
    toPython: (py) => {
      py.helper('recvuntil');
      return expr(`recvuntil(${py.target}, ${py.bytes(0)}${py.flag('drop') ? ', drop=True' : ''})`, 'bytes');
    },
    async run(ctx) {
      const delim = ctx.a.DELIM;
      if (delim.length === 0) throw new ShellError('expected a delimiter of one byte or more', ctx.args[0]!.span);
      const drop = ctx.flags.has('drop');
      return streamRead(ctx, { call: 'recvuntil', delim }, repr(bytes(delim)), (data) =>
        drop && data.length > 0 ? data.subarray(0, data.length - delim.length) : data,
      );
    },
  }),
  defineCommand({
    name: 'recvexactly',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'recvexactly N',
    forms: [[{ name: 'N', kind: 'bufsize' }]],
    summary: "Wait for exactly N bytes, however they arrive; b'' when the peer has closed",
    python: { code: 'data = s.recv(n, MSG_WAITALL)' },
    example: 'header = recvexactly 4',
    toPython: (py) => {
      py.helper('recvexactly');
      return expr(`recvexactly(${py.target}, ${py.arg(0)})`, 'bytes');
    },
    async run(ctx) {
      const n = ctx.a.N;
      return streamRead(ctx, { call: 'recvexactly', n }, `all ${n} bytes`);
    },
  }),
  defineCommand({
    name: 'peek',
    group: 'socket',
    method: true,
    transport: 'tcp',
    usage: 'peek BUFSIZE',
    forms: [[{ name: 'BUFSIZE', kind: 'bufsize' }]],
    summary: "Wait for data and return up to BUFSIZE bytes, leaving them queued for the next call; b'' when the peer has closed",
    python: { code: 'data = s.recv(1024, MSG_PEEK)' },
    example: 'first = peek 1',
    toPython: (py) => expr(`${py.target}.recv(${py.arg(0)}, MSG_PEEK)`, 'bytes'),
    async run(ctx) {
      return streamRead(ctx, { call: 'peek', n: ctx.a.BUFSIZE }, 'any byte');
    },
  }),
  defineCommand({
    name: 'sendline',
    group: 'socket',
    method: true,
    usage: 'sendline DATA ...',
    forms: [WORDS],
    summary: 'Send all of DATA and then \\n on a connected socket (several words: joined by single spaces)',
    python: { code: "s.sendall(data + b'\\n')" },
    example: 'sendline PING',
    toPython: (py) => lines(`${py.target}.sendall(${sendlineBytes(joinedBytes(py))})`),
    async run(ctx) {
      await ctx.session.engine.sendall(ctx.socket(), Buffer.concat([joinWords(ctx.a.DATA, ctx.a.MORE), LF]), ctx.block);
      tellTextSent(ctx, ctx.args, 'sendall');
      return NONE;
    },
  }),
];

/** DATA and a newline as one Python bytes expression: b'PING\n' for a literal, data + b'\n' otherwise. */
function sendlineBytes(data: string): string {
  const literal = /^b'([^'\\]|\\.)*'$/.exec(data);
  return literal ? `${data.slice(0, -1)}\\n'` : `${data} + b'\\n'`;
}
