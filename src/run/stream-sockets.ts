/**
 * What connect and listen share: the options, the stream's ends, listening, the client wait -w
 * bounds, and the pump between a socket and standard input and output (stream.ts runs them;
 * stream-keep.ts is listen -k).
 */
import type { BulkPath, Engine, Family, SocketHandle } from '../engine/types.js';
import { pump, type PumpEnds, type PumpResult } from '../commands/pump.js';
import { CARRYING_ON, carryingOn, socketSide } from '../commands/stream-ends.js';
import { SocketError } from '../engine/index.js';
import { addressRepr } from '../lang/values.js';
import { streamWords } from './stream-words.js';

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
  /**
   * Standard input's and output's descriptors when the stream may move bytes inside the kernel (the
   * engine's bulk path: the addon is there and SOCKSHELL_ENGINE is not loop); absent: through Node.
   */
  readonly descriptors?: { readonly input: number; readonly output: number };
}

export interface Streamer {
  readonly engine: Engine;
  readonly o: StreamOptions;
  readonly say: (text: string) => void;
  readonly input: (signal: AbortSignal) => Promise<Buffer | null>;
  readonly output: (data: Buffer) => void | Promise<void>;
  /** PumpEnds.counted: the totals of the conversation as it ends, a failed one too. */
  readonly counted?: PumpEnds['counted'];
}

/** The bound on listen's wait for a client: -w's seconds, or none. */
export function clientWait(s: Streamer): { signal: AbortSignal; maxWaitMs?: number } {
  return s.o.idleSeconds === null ? { signal: s.o.signal } : { signal: s.o.signal, maxWaitMs: s.o.idleSeconds * 1000 };
}

/** The client call's result, or null (said on stderr) when -w's bound passed with no client. */
export async function noClient<T>(s: Streamer, call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (e) {
    if (!(e instanceof SocketError && e.code === 'ETIMEDOUT')) throw e;
    s.say(`no client in ${s.o.idleSeconds} s (-w): stopped listening`);
    return null;
  }
}

export async function listening(s: Streamer): Promise<SocketHandle> {
  const { engine, o, say } = s;
  const transport = o.udp ? 'udp' : 'tcp';
  const socket = engine.create(transport, o.family, { name: 'server', owner: 'main' });
  const local = await engine.bind(socket, o.host, o.port);
  if (!o.udp) await engine.listen(socket, o.keep ? 128 : 1);
  say(`listening on ${addressRepr(local)} (${transport.toUpperCase()})`);
  return socket;
}

/** A stream's end: the pump's, and how many datagrams came back as ICMP port unreachable (UDP; 0 for TCP). */
export interface StreamResult extends PumpResult {
  readonly refused: number;
}

export async function pumpSocket(s: Streamer, socket: SocketHandle, input: PumpEnds['input']): Promise<StreamResult> {
  const { engine, o } = s;
  // The pump says the engine's errors mid-stream (a send that failed): in the command line's words.
  const say = (text: string): void => s.say(streamWords(text));
  let refused = 0;
  const told = (e: SocketError): void => {
    refused++;
    say(`${e.message}; ${CARRYING_ON}`);
  };
  const socketEnd = socketSide(engine, socket, say);
  const side = o.udp ? carryingOn(socketEnd, told) : socketEnd;
  const result = await pump({
    bulk: bulkPath(s, socket),
    ...side,
    endInput: (peerClosed) => {
      side.endInput(peerClosed); // throws, saying why, when no FIN can go
      if (!o.udp) say(`end of input: sent FIN (shutdown SHUT_WR)${peerClosed ? '' : '; still receiving'}`);
    },
    input,
    output: (data) => s.output(data),
    crlf: o.crlf,
    idleMs: o.idleSeconds === null ? null : o.idleSeconds * 1000,
    say,
    signal: o.signal,
    ...(s.counted ? { counted: s.counted } : {}),
  });
  return { ...result, refused };
}

export { byteCount as bytes } from '../commands/stream-ends.js';

/**
 * The engine's bulk path for a connection of connect or listen (not -k, whose input goes to every
 * client), when stdin and stdout can take it: null otherwise, and always with -C (it rewrites the
 * input) and --log (the log shows every byte, so every byte passes through the process).
 */
function bulkPath(s: Streamer, socket: SocketHandle): BulkPath | null {
  const { o } = s;
  if (o.descriptors === undefined || o.udp || o.keep || o.crlf || o.log !== undefined) return null;
  return s.engine.bulk(socket, o.descriptors);
}
