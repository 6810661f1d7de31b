import type { Address, SocketHandle } from '../engine/types.js';
import type { Span } from '../lang/ast.js';
import { addressRepr, bytes, repr } from '../lang/values.js';
import type { CallContext } from '../spec/command.js';
import { atPrompt, infoOf, saysReads } from './moments.js';

/**
 * The `#` lines of the receiving calls: that a call has started to wait (and for what), and what an
 * assigned call took in and from where. The chapter's concept 6, "the server replies to the address
 * recvfrom gave", happens at an assigned recvfrom, which shows no value: this line is where the student
 * sees it. Said at the prompt; a script says what its reads took only with -v (it says nothing unasked),
 * and never that a call waits: whether a script's or a job's call waits depends on timing, so its lines
 * could not be checked by a transcript.
 */

export type ReceivingCall = 'recv' | 'recvfrom' | 'accept';

/** Calls already told to be waiting: a loop says it once, on its first wait. */
const TOLD = new WeakSet<Span>();

/** At most this many bytes of what arrived are shown in the line; the variable holds them all. */
const SHOWN_BYTES = 48;

/**
 * Called right after the engine call was made: the engine claims the socket's wait slot at once when
 * nothing is there to return, so `waiting` tells a call that waits from one that will return now.
 */
export function tellWaiting(ctx: CallContext, s: SocketHandle, call: ReceivingCall): void {
  if (TOLD.has(ctx.span)) return;
  // A script's receive is on the hot path: only a UDP socket with no address has anything to be told,
  // and endpoints() says so without building the socket's whole table row (info()).
  const prompt = atPrompt(ctx);
  if (!prompt) {
    const ends = ctx.session.engine.endpoints(s);
    if (ends === null || ends.transport !== 'udp' || ends.local !== null) return;
  }
  const info = infoOf(ctx, s);
  if (info?.waiting !== call) return; // it returns at once, or the socket closed under it and it fails
  if (info.transport === 'udp' && info.local === null) {
    // The textbook's "forgot bind": Python waits for ever here too. Said in scripts as well: it can only hang.
    TOLD.add(ctx.span);
    ctx.warn(
      `${s.name} was never bound, so it has no port and no datagram can reach it: it waits for ever, as Python's would. Bind it first (${s.name}.bind '' PORT), or sendto first and the OS binds it`,
    );
    return;
  }
  if (!prompt) return;
  TOLD.add(ctx.span);
  const at = info.local ? ` to ${addressRepr(info.local)}` : '';
  const what =
    call === 'accept'
      ? `a client to connect${at}`
      : info.transport === 'udp'
        ? `a datagram${at}`
        : `data${info.peer ? ` from ${addressRepr(info.peer)}` : ''} (or the peer's ${info.family === 'unix' ? 'end of stream' : 'FIN'})`;
  const until = info.timeout === null ? 'Ctrl-C cancels' : `it gives up after ${info.timeout} s (settimeout); Ctrl-C cancels`;
  ctx.info(`${s.name} is waiting for ${what}; ${until}`);
}

/**
 * `message, clientAddress = s.recvfrom 2048` took data from: one line naming both, and that a reply
 * goes there; for a client hearing back from where it sent first, that it came from there.
 */
export function tellReceivedFrom(ctx: CallContext, s: SocketHandle, data: Buffer, from: Address | null): void {
  const targets = ctx.targets;
  if (targets.length === 0 || !saysReads(ctx)) return;
  const first = targets[0]!.name;
  if (from === null) {
    ctx.info(`${first} = ${shown(ctx, data)}: TCP's recvfrom gives no address (None); the connection has one`);
    return;
  }
  const reply = targets.length > 1 ? `$${targets[1]!.name}` : `$${first}[1]`;
  const what = targets.length > 1 ? `${first} = ${shown(ctx, data)}` : `${first}[0] = ${shown(ctx, data)}`;
  if (ctx.session.exchanges.spokeFirst(s.serial, from)) ctx.info(`${what} from ${addressRepr(from)}, where ${s.name} sent to`);
  else ctx.info(`${what} from ${addressRepr(from)}: reply to this address, ${reply}`);
}

/** `sentence = connectionSocket.recv 1024` took data, or b'' at the end of the stream. */
export function tellReceived(ctx: CallContext, s: SocketHandle, data: Buffer, bufsize: number): void {
  const target = ctx.targets[0];
  if (target === undefined || bufsize === 0 || !saysReads(ctx)) return;
  const ends = ctx.session.engine.endpoints(s);
  if (data.length === 0 && ends?.transport === 'tcp') {
    ctx.info(`${target.name} = b'': the peer closed its side (EOF); recv returns b'' from now on`);
    return;
  }
  const from = ends?.peer ? ` from ${addressRepr(ends.peer)}` : '';
  ctx.info(`${target.name} = ${shown(ctx, data)}${from}`);
}

/** What arrived, as `display` shows values (b'...' or x"..."), so the line and $m agree. */
function shown(ctx: CallContext, data: Buffer): string {
  const hex = ctx.session.display === 'hex';
  if (data.length <= SHOWN_BYTES) return repr(bytes(data), undefined, hex);
  return `${repr(bytes(data.subarray(0, SHOWN_BYTES)), undefined, hex)}… (${data.length} bytes)`;
}
