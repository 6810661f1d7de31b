/**
 * `sockshell connect HOST PORT` and `sockshell listen [HOST] PORT`: nc's default mode. Standard input
 * goes to the socket and the socket to standard output, byte for byte; what the OS did (the port it
 * picked, the peer's FIN, the totals) is said on stderr as `# ` lines, so a pipeline stays clean.
 * Every byte goes through the engine's calls (commands/pump.ts), as `interact` at the prompt does.
 */
import { once } from 'node:events';
import { Cancelled } from '../core/errors.js';
import { SocketError } from '../engine/index.js';
import type { Engine, Family, SocketHandle } from '../engine/types.js';
import { pump, type PumpEnds, type PumpResult } from '../commands/pump.js';
import { socketSide, STREAM_READ } from '../commands/stream-ends.js';
import { addressRepr } from '../lang/values.js';
import { messageLine } from '../render/message.js';
import { streamWords } from './stream-words.js';
import { Session } from '../session/session.js';
import { ChunkReader } from './chunks.js';
import type { Io } from './io.js';
import { streamOutput } from './stream-output.js';
import { startLog } from './script.js';

export interface StreamOptions {
  readonly mode: 'connect' | 'listen';
  /** connect: the host to reach; listen: the address to bind, '' for every interface. */
  readonly host: string;
  readonly port: number;
  /** -u */
  readonly udp: boolean;
  /** -k: listen on after a client leaves, and serve several at once (ncat -k). */
  readonly keep: boolean;
  /** -C: LF from the input is sent as CR LF. */
  readonly crlf: boolean;
  /** -w: bound on connect, on listen's wait for its (first) client, and on a connection with no byte either way; null: no bound. */
  readonly idleSeconds: number | null;
  /** -6 */
  readonly family: Family;
  /** -p: connect from this local port. */
  readonly sourcePort: number | null;
  /** -q: no `# ` lines. */
  readonly quiet: boolean;
  readonly signal: AbortSignal;
  /** --log FILE: the traffic log of the stream, as a hex dump. */
  readonly log?: string;
}

/** Runs the stream; the exit status: 0 done or idle, 1 a socket error, 130 Ctrl-C. */
export async function runStream(io: Io, o: StreamOptions): Promise<number> {
  const say = (text: string): void => {
    if (!o.quiet) io.stderr.write(`# ${messageLine(text)}\n`);
  };
  const session = new Session({
    interactive: false,
    out: streamOutput({ stdout: io.stdout, stderr: io.stderr, verbose: false }),
    readLine: async () => null,
  });
  const stdin = new ChunkReader(io.stdin);
  const stream: Streamer = {
    engine: session.engine,
    o,
    say,
    input: (signal) => stdin.next(signal),
    output: (data) => (io.stdout.write(data) ? undefined : once(io.stdout, 'drain').then(() => undefined)),
  };
  try {
    if (o.log !== undefined && !(await startLog(session, o.log, io))) return 1;
    const result = o.mode === 'connect' ? await connect(stream) : o.keep && !o.udp ? await listenKeep(stream) : await listenOnce(stream);
    return result;
  } catch (e) {
    if (e instanceof Cancelled || (e instanceof SocketError && e.code === 'EINTR')) return 130;
    if (e instanceof SocketError) {
      io.stderr.write(`sockshell: ${messageLine(streamWords(e.message))}\n`);
      return 1;
    }
    throw e;
  } finally {
    await session.close();
  }
}

interface Streamer {
  readonly engine: Engine;
  readonly o: StreamOptions;
  readonly say: (text: string) => void;
  readonly input: (signal: AbortSignal) => Promise<Buffer | null>;
  readonly output: (data: Buffer) => void | Promise<void>;
}

async function connect(s: Streamer): Promise<number> {
  const { engine, o, say } = s;
  const transport = o.udp ? 'udp' : 'tcp';
  const socket = engine.create(transport, o.family, { name: transport, owner: 'main' });
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
  say(`connection from ${addressRepr(address)}`);
  return finish(s, await pumpSocket(s, socket, s.input));
}

/**
 * TCP listen -k, as ncat -k: every client is served at once; what each sends goes to standard output,
 * and standard input goes to every client connected when it is read. A client's connection is closed
 * when it closes its side. Ends only with Ctrl-C.
 */
async function listenKeep(s: Streamer): Promise<number> {
  const { engine, o, say } = s;
  const listener = await listening(s);
  const clients = new Set<SocketHandle>();
  const broadcast = (async () => {
    for (;;) {
      const chunk = await s.input(o.signal);
      if (chunk === null) return;
      await Promise.all([...clients].map((c) => engine.sendall(c, chunk, { signal: o.signal }).catch(() => undefined)));
    }
  })();
  broadcast.catch(() => undefined); // ends with Ctrl-C, as the accept loop does
  for (let first = true; ; first = false) {
    // -w bounds the wait for the first client; after it, clients come and go until Ctrl-C.
    const accepted = await noClient(
      s,
      engine.accept(listener, { ...(first ? clientWait(s) : { signal: o.signal }), owner: 'main', name: 'conn' }),
    );
    if (accepted === null) return 1;
    const { socket, address } = accepted;
    say(`connection from ${addressRepr(address)}`);
    clients.add(socket);
    void pumpSocket(s, socket, null)
      .then(
        (r) => say(`${addressRepr(address)} closed its side; received ${bytes(r.received)} from it`),
        (e: unknown) => say(e instanceof Error ? streamWords(e.message) : String(e)),
      )
      .finally(() => {
        clients.delete(socket);
        engine.close(socket);
      });
  }
}

/** The bound on listen's wait for a client: -w's seconds, or none. */
function clientWait(s: Streamer): { signal: AbortSignal; maxWaitMs?: number } {
  return s.o.idleSeconds === null ? { signal: s.o.signal } : { signal: s.o.signal, maxWaitMs: s.o.idleSeconds * 1000 };
}

/** The client call's result, or null (said on stderr) when -w's bound passed with no client. */
async function noClient<T>(s: Streamer, call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (e) {
    if (!(e instanceof SocketError && e.code === 'ETIMEDOUT')) throw e;
    s.say(`no client in ${s.o.idleSeconds} s (-w): stopped listening`);
    return null;
  }
}

async function listening(s: Streamer): Promise<SocketHandle> {
  const { engine, o, say } = s;
  const transport = o.udp ? 'udp' : 'tcp';
  const socket = engine.create(transport, o.family, { name: 'server', owner: 'main' });
  const local = await engine.bind(socket, o.host, o.port);
  if (!o.udp) await engine.listen(socket, o.keep ? 128 : 1);
  say(`listening on ${addressRepr(local)} (${transport.toUpperCase()})`);
  return socket;
}

function pumpSocket(s: Streamer, socket: SocketHandle, input: PumpEnds['input']): Promise<PumpResult> {
  const { engine, o, say } = s;
  const side = socketSide(engine, socket, say);
  return pump({
    ...side,
    endInput: () => {
      if (!o.udp) say('end of input: sent FIN (shutdown SHUT_WR); still receiving');
      side.endInput();
    },
    input,
    output: (data) => s.output(data),
    crlf: o.crlf,
    idleMs: o.idleSeconds === null ? null : o.idleSeconds * 1000,
    say,
    signal: o.signal,
  });
}

function finish(s: Streamer, r: PumpResult): number {
  const totals = `sent ${bytes(r.sent)}, received ${bytes(r.received)}`;
  switch (r.end) {
    case 'done':
      s.say(`both sides closed; ${totals}`);
      return 0;
    case 'idle':
      s.say(`nothing either way for ${s.o.idleSeconds} s (-w): closed; ${totals}`);
      return 0;
    case 'cancelled':
      s.say(`interrupted; ${totals}`);
      return 130;
    default: {
      const exhaustive: never = r.end;
      return exhaustive;
    }
  }
}

const bytes = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;
