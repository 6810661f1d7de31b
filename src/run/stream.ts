/**
 * `sockshell connect HOST PORT` and `sockshell listen [HOST] PORT`: nc's default mode. Standard input
 * goes to the socket and the socket to standard output, byte for byte; what the OS did (the port it
 * picked, the peer's FIN, the totals) is said on stderr as `# ` lines, so a pipeline stays clean.
 * Every byte goes through the engine's calls (commands/pump.ts), as `interact` at the prompt does.
 */
import { once } from 'node:events';
import { Cancelled } from '../core/errors.js';
import { SocketError } from '../engine/index.js';
import { OutputFailed } from '../commands/pump.js';
import { STREAM_READ, failedTotals, refusedCount } from '../commands/stream-ends.js';
import { addressRepr, clientRepr, UNKNOWN_CLIENT_WHY } from '../lang/values.js';
import { messageLine } from '../render/message.js';
import { streamWords } from './stream-words.js';
import { Session } from '../session/session.js';
import { ChunkReader } from './chunks.js';
import type { Io } from './io.js';
import type { OutputSink } from '../core/output.js';
import { streamOutput } from './stream-output.js';
import { startLog } from './script.js';
import { listenKeep } from './stream-keep.js';
import {
  bytes,
  clientWait,
  listening,
  noClient,
  pumpSocket,
  type StreamOptions,
  type Streamer,
  type StreamResult,
} from './stream-sockets.js';

export type { StreamOptions } from './stream-sockets.js';

/** Runs the stream; the exit status: 0 done or idle, 1 a socket error (a send that failed, a UDP datagram refused too), 130 Ctrl-C. */
export async function runStream(io: Io, o: StreamOptions): Promise<number> {
  const say = (text: string): void => {
    if (!o.quiet) io.stderr.write(`# ${messageLine(text)}\n`);
  };
  const session = new Session({
    interactive: false,
    out: streamWarnings(streamOutput({ io, verbose: false })),
    readLine: async () => null,
  });
  const stdin = new ChunkReader(io.stdin);
  /** The totals of connect's or listen's one conversation, once its pump has ended (listen -k says each client's itself). */
  let totals: { readonly sent: number; readonly received: number } | null = null;
  const stream: Streamer = {
    engine: session.engine,
    o,
    say,
    input: (signal) => stdin.next(signal),
    output: (data) => (io.stdout.write(data) ? undefined : once(io.stdout, 'drain').then(() => undefined)),
    counted: (t) => (totals = t),
  };
  try {
    if (o.log !== undefined && !(await startLog(session, o.log, io))) return 1;
    const result = o.mode === 'connect' ? await connect(stream) : o.keep && !o.udp ? await listenKeep(stream) : await listenOnce(stream);
    return result;
  } catch (e) {
    if (e instanceof Cancelled || (e instanceof SocketError && e.code === 'EINTR')) return 130;
    // Told where every write error on standard output is told (cli.ts): one line, status 1.
    if (e instanceof OutputFailed) {
      io.stdout.destroy(e.cause);
      return 1;
    }
    if (e instanceof SocketError) {
      if (totals !== null) say(failedTotals(e.code, totals));
      io.stderr.write(`sockshell: ${messageLine(streamWords(e.message))}\n`);
      return 1;
    }
    throw e;
  } finally {
    await session.close();
  }
}

/** The engine's warnings (a listener closed with a client queued...) in the words of the command line, as its errors are. */
function streamWarnings(out: OutputSink): OutputSink {
  return (o) => out(o.kind === 'warning' ? { ...o, text: streamWords(o.text) } : o);
}

async function connect(s: Streamer): Promise<number> {
  const { engine, o, say } = s;
  const transport = o.udp ? 'udp' : 'tcp';
  // Named for its part, as listen's server and conn are: the traffic log shows the name (user trial 5: `tcp`).
  const socket = engine.create(transport, o.family, { name: 'client', owner: 'main' });
  if (o.sourcePort !== null) await engine.bind(socket, '', o.sourcePort);
  const idle = o.idleSeconds === null ? {} : { maxWaitMs: o.idleSeconds * 1000 };
  const { local, remote } = await engine.connect(socket, o.host, o.port, { signal: o.signal, ...idle });
  say(
    o.udp
      ? `UDP socket ${addressRepr(local)} sends to ${addressRepr(remote)} (no packet yet: UDP has no handshake)`
      : `connected to ${addressRepr(remote)} from ${addressRepr(local)}${o.sourcePort === null ? ' (the OS picked the port)' : ''}`,
  );
  return finish(s, await pumpSocket(s, socket, s.input));
}

/** listen without -k (and UDP with or without it): one conversation, then the end. */
async function listenOnce(s: Streamer): Promise<number> {
  const { engine, o, say } = s;
  const listener = await listening(s);
  const wait = clientWait(s);
  if (o.udp) {
    if (!o.keep) {
      // nc -u -l talks to the first sender only: connect the socket to it, so others' datagrams are refused.
      const first = await noClient(s, engine.recvfrom(listener, STREAM_READ, wait));
      if (first === null) return 1;
      const from = first.address!;
      say(`a datagram from ${addressRepr(from)}: talking to it alone from now on (-k answers every sender)`);
      await s.output(first.data);
      await engine.connect(listener, from.host, from.port, { signal: o.signal });
      // The first datagram was read before the pump began: it counts in the totals too.
      const rest = await pumpSocket(s, listener, s.input);
      return finish(s, { ...rest, received: rest.received + first.data.length });
    }
    return finish(s, await pumpSocket(s, listener, s.input));
  }
  const accepted = await noClient(s, engine.accept(listener, { ...wait, owner: 'main', name: 'conn' }));
  if (accepted === null) return 1;
  const { socket, address } = accepted;
  engine.close(listener); // as nc: one client, and nobody else can connect meanwhile
  say(`connection from ${clientRepr(address)}${address === null ? ` (${UNKNOWN_CLIENT_WHY})` : ''}`);
  return finish(s, await pumpSocket(s, socket, s.input));
}

/**
 * The end said on stderr, and the exit status. A send that failed (EPIPE: the peer went away) left input
 * unsent: status 1, as ncat and socat end, so a pipeline never takes a cut-short copy for a whole one
 * (OpenBSD nc ends with 0 there).
 */
function finish(s: Streamer, r: StreamResult): number {
  const totals = `sent ${bytes(r.sent)}, received ${bytes(r.received)}${r.unsent === null ? '' : `; the rest of the input was not sent (${r.unsent})`}${refusedCount(r.refused)}`;
  // A datagram that met no listener went nowhere: status 1, as for input not sent.
  const status = r.unsent === null && r.refused === 0 ? 0 : 1;
  switch (r.end) {
    case 'done':
      s.say(`both sides closed; ${totals}`);
      return status;
    case 'idle':
      s.say(`nothing either way for ${s.o.idleSeconds} s (-w): closed; ${totals}`);
      return status;
    case 'cancelled':
      s.say(`interrupted; ${totals}`);
      return 130;
    default: {
      const exhaustive: never = r.end;
      return exhaustive;
    }
  }
}
