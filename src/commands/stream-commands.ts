/**
 * Commands for developers that stream rather than call once: interact (nc at the prompt).
 */
import { NONE, type Value } from '../lang/values.js';
import { Cancelled, ShellError } from '../core/errors.js';
import { comment } from '../spec/python.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';
import { pump } from './pump.js';
import { ShownLines } from './interact-lines.js';
import { InteractRecord, type Sending } from './interact-record.js';
import { HexView } from './interact-hex.js';
import { byteCount, CARRYING_ON, carryingOn, failedTotals, refusedCount, socketSide } from './stream-ends.js';
import { SocketError } from '../engine/index.js';
import { openSocket } from './socket-arg.js';
import type { SocketHandle } from '../engine/types.js';

async function interact(ctx: CallContext<{ readonly NAME?: Value }>): Promise<typeof NONE> {
  if (ctx.job !== undefined) throw new ShellError('a background job cannot read input, so it cannot interact', ctx.span);
  const engine = ctx.session.engine;
  const handle = ctx.a.NAME === undefined ? ctx.socket() : openSocket(engine, ctx.a.NAME, ctx.args[0]!.span);
  const info = engine.info(handle);
  if (info.state === 'LISTEN') throw new ShellError(`${info.name} is listening; interact with a connection accept returned`, ctx.span);
  if (info.transport === 'tcp' && info.peer === null)
    throw new ShellError(`${info.name} is not connected; connect it first (or use tcp.connect HOST PORT)`, ctx.span);
  const say = (text: string): void => ctx.info(text);
  const udp = info.transport === 'udp';
  // A Unix stream socket shuts down its sending side at Ctrl-D as TCP does, but sends no FIN.
  const halfClose = info.family === 'unix' ? 'Ctrl-D shuts down sending (end of stream)' : 'Ctrl-D sends FIN';
  ctx.info(
    `interact: each line you type is sent to ${info.name}, what arrives is printed; ` +
      (udp ? 'Ctrl-D or Ctrl-C stops (the socket stays open)' : `${halfClose}, Ctrl-C stops (the socket stays open)`),
  );
  // What arrives on its own while the lines stream (the traffic log, jobs) is shown as it comes.
  ctx.session.streaming = true;
  const shown = new ShownLines(
    (data) => ctx.print(data),
    (data) => ctx.session.lineStart(data),
  );
  // --hex: both directions as hex rows (socat -x), in place of the lines.
  const hex = ctx.flags.has('hex') ? new HexView(!udp, (rows) => ctx.print(Buffer.from(`${rows}\n`))) : null;
  // A connected UDP socket goes on through ICMP port unreachable, as `sockshell connect -u` does: the
  // error is said, and the next line typed is sent (it ended interact, and that line ran as a command).
  let refused = 0;
  /** The statements of the send in flight: a refusal told meanwhile came after the statements before them. */
  let inFlight: Sending | undefined;
  const told = (e: SocketError): void => {
    refused++;
    record.note(
      `then a datagram came back as ICMP port unreachable (${e.code}): Python's next call on the socket raises ${e.python}`,
      inFlight,
    );
    say(`${e.message}; ${CARRYING_ON}`);
  };
  const side = udp ? carryingOn(socketSide(engine, handle, say), told) : socketSide(engine, handle, say);
  const record = new InteractRecord(udp ? (info.peer === null ? 'udp-answering' : 'udp-connected') : 'tcp', calledOn(ctx, handle), (base) =>
    freeName(ctx, base),
  );
  let totals = { sent: 0, received: 0 };
  const result = await pump({
    ...side,
    // What went and came is recorded as the calls that do it again, for save and export (trial 7, J).
    transmit: async (data, signal) => {
      const at = (inFlight = record.sending(data));
      const went = await side
        .transmit(data, signal)
        .catch((e: unknown) => {
          record.unsent(at);
          throw e;
        })
        .finally(() => (inFlight = undefined));
      if (went === 0) record.unsent(at);
      else hex?.sent(data.subarray(0, went));
      return went;
    },
    receive: async (signal) => {
      const got = await side.receive(signal);
      record.received(got.data, got.end);
      return got;
    },
    endInput: (peerClosed) => {
      side.endInput(peerClosed);
      record.inputEnded();
    },
    input: async (signal) => {
      const line = await ctx.session.readLine('', signal, true);
      if (line === null) shown.inputEnded();
      else shown.typed();
      return line === null ? null : Buffer.from(`${line}\n`);
    },
    output: (data) => (hex === null ? shown.take(data) : hex.received(data)),
    crlf: ctx.flags.has('crlf'),
    // UDP has no FIN: at Ctrl-D nothing more can be typed, so interact ends (trial 7: it sat silent).
    inputEndsAll: udp,
    idleMs: null,
    say,
    signal: ctx.block.signal,
    counted: (t) => (totals = t),
  })
    .catch((e: unknown) => {
      // A reset (or another failure mid-stream) ends it: what it did until then is kept for save and export,
      // and its totals are said before the error, as the CLI's connect says them (trial 8, S).
      if (!(e instanceof SocketError)) throw e;
      record.failed(e.code);
      keep();
      ctx.info(`interact ended: ${failedTotals(e.code, totals)}`);
      throw e;
    })
    .finally(() => {
      shown.end();
      ctx.session.streaming = false;
    });
  keep();
  const sums = `sent ${byteCount(result.sent)}, received ${byteCount(result.received)}${refusedCount(refused)}`;
  // Ctrl-C: the totals ride on the one "^C interact cancelled" line (two lines said the same thing; trial 4).
  if (result.end === 'cancelled') throw new Cancelled('interact', null, undefined, sums);
  ctx.info(
    udp
      ? `interact ended: end of input (UDP has no FIN to send); ${sums}; ${info.name} stays open, and datagrams that come now wait for recvfrom`
      : `interact ended: both sides closed; ${sums}`,
  );
  return NONE;

  /** The record stands in for this interact in save and export: at the prompt's own level only (in a script `run` ran, the record's chunk is the `run` line). */
  function keep(): void {
    if (ctx.scope.depth === 0) ctx.session.ran.ranAs(ctx.span, ctx.name, record.text());
  }
}

/** How the recorded calls name the socket: as interact was given it, bare when it acted on the current socket. */
function calledOn(ctx: CallContext<{ readonly NAME?: Value }>, handle: SocketHandle): string {
  const word = ctx.args[0]?.word;
  if (word?.kind === 'literal' && !word.quoted && /^[A-Za-z_]\w*$/.test(word.text)) return `${word.text}.`;
  if (word?.kind === 'var' && word.path === undefined) return `${word.name}.`;
  return handle === ctx.scope.current ? '' : `${handle.name}.`;
}

/** base, or base2, base3...: the first name no variable of the session has, so a replay leaves the user's alone. */
function freeName(ctx: CallContext, base: string): string {
  const taken = new Set(ctx.scope.names());
  for (let n = 1; ; n++) if (!taken.has(n === 1 ? base : `${base}${n}`)) return n === 1 ? base : `${base}${n}`;
}

export const streamCommands: readonly CommandDef[] = [
  defineCommand({
    name: 'interact',
    group: 'session',
    method: true,
    usage: 'interact [NAME] [--crlf] [--hex]',
    forms: [[], [{ name: 'NAME', kind: 'socket' }]],
    flags: {
      crlf: 'send each line ending as CR LF (nc -C), for HTTP, SMTP and other line protocols',
      hex: 'show what goes (>) and comes (<) as hex rows: offset, bytes, printable column (socat -x, ncat --hex-dump)',
    },
    summary:
      'Talk to a connected socket as nc does: each line typed is sent, what arrives is printed; Ctrl-D half-closes (a FIN on TCP), it ends when both sides have (UDP: at Ctrl-D)',
    python: { none: 'Python has no such loop; pwntools calls it interactive()' },
    example: 'interact c',
    toPython: () => comment('interact: the lines typed were sent and what arrived was printed here'),
    run: interact,
  }),
];
