import type { EngineEvent, OwnReset, StreamEnd } from '../engine/types.js';
import { addressRepr, UNKNOWN_CLIENT_WHY } from '../lang/values.js';
import type { Output } from '../core/output.js';
import type { Trouble } from '../record/trouble.js';

/** What the user hears about one engine event, and, when it is something that went wrong, what `explain` explains. */
export interface Said {
  readonly output: Output;
  readonly trouble?: Trouble;
}

/** The eof notice's first words, by how the peer ended the connection. */
export const PEER_ENDED: { readonly [E in StreamEnd]: string } = {
  fin: 'the peer closed its side (FIN)',
  unknown: 'the connection ended (FIN or reset; the OS did not say which)',
  stream: 'the peer closed its side (end of stream)',
};

/** What the session knows of the socket now, beyond the event: the TCP bytes still queued on it (read for `failed` only). */
export interface SayContext {
  readonly queued: number;
}

type Describe<K extends EngineEvent['kind']> = (event: Extract<EngineEvent, { kind: K }>, now: SayContext) => Said | null;

const say = (output: Output): Said => ({ output });

/**
 * What the user hears about each engine event, and which events are trouble for `explain`: one
 * table, so a warning and its explanation cannot drift apart. Typed over every kind, so a new event
 * does not compile until it has a line here. Notices about waiting data fire only when a queue goes
 * from empty to not empty, so a flood gives one line, not thousands.
 */
export const EVENT_SAYS: { readonly [K in EngineEvent['kind']]: Describe<K> } = {
  bound: (e) =>
    e.implicit
      ? say({
          kind: 'info',
          text: `the OS bound ${e.socket} to ${addressRepr(e.address)}: it picked port ${e.address.port}, as the socket was never bound`,
        })
      : null,
  connected: () => null,
  // The failed call says so itself.
  connectFailed: () => null,
  incoming: (e) => {
    if (e.taken || e.pending !== 1) return null;
    const from = e.from === null ? ` (its address is unknown: ${UNKNOWN_CLIENT_WHY})` : ` from ${addressRepr(e.from)}`;
    return say({
      kind: 'notice',
      tag: e.socket,
      // Tied: it and the next came within one tick of the kernel's clock, and accept may return either first.
      text: e.tied
        ? `a client connected${from}, and another within the same tick of the kernel's clock (a few ms): which came first, so which accept returns first, is not known`
        : `a client connected${from}; accept will return it`,
    });
  },
  received: (e) => {
    if (e.taken || e.queued === 0) return null;
    if (e.transport === 'udp' && e.queued === 1) {
      const from = e.from ? ` from ${addressRepr(e.from)}` : '';
      return say({ kind: 'notice', tag: e.socket, text: `a datagram of ${bytes(e.bytes)}${from} is waiting; recvfrom will return it` });
    }
    if (e.transport === 'tcp' && e.queued === e.bytes)
      return say({
        kind: 'notice',
        tag: e.socket,
        text: `${bytes(e.bytes)} ${e.bytes === 1 ? 'is' : 'are'} waiting; recv will return ${e.bytes === 1 ? 'it' : 'them'}`,
      });
    return null;
  },
  eof: (e) =>
    e.taken
      ? null
      : say({
          kind: 'notice',
          tag: e.socket,
          text: `${PEER_ENDED[e.end]}; recv returns b'' ${e.queued ? `after the ${e.queued} queued bytes` : 'from now on'}`,
        }),
  // 1, 10, 100, 1000... drops: a flood of a million datagrams says so in seven lines, not a thousand.
  dropped: (e) => {
    if (!/^10*$/.test(String(e.total))) return null;
    const text =
      e.unit === 'datagrams'
        ? `${e.socket}: the shell's receive queue full (datagrams it read from the kernel, waiting for recvfrom); it dropped ${e.total} datagram${e.total === 1 ? '' : 's'} so far, as the kernel does when a socket's buffer is full`
        : `${e.socket}: too many connections wait for accept; ${e.reset ? 'reset' : 'closed'} ${e.total} new connection${e.total === 1 ? '' : 's'} so far; accept makes room`;
    return { output: { kind: 'warning', text }, trouble: { kind: 'dropped', message: text, unit: e.unit } };
  },
  // Once per flood: a recv that makes room lets the queue refill and pause again, which is no news;
  // nor is a pause that a recvfile under way will drain.
  paused: (e) =>
    e.again || e.taken
      ? null
      : say({ kind: 'notice', tag: e.socket, text: `${e.queued} bytes queued; stopped reading until recv makes room (TCP flow control)` }),
  truncated: (e) => {
    const text = `${e.socket}: a datagram of ${e.size} bytes was cut to BUFSIZE ${e.bufsize}; the other ${e.size - e.bufsize} bytes are lost, as in Python`;
    return { output: { kind: 'warning', text }, trouble: { kind: 'truncated', message: text } };
  },
  failed: (e, now) =>
    e.taken
      ? null
      : {
          output: {
            kind: 'notice',
            tag: e.socket,
            text: e.ownReset === undefined ? failedText(e.code, e.socket, now.queued) : ownResetText(e.ownReset, e.socket),
          },
          trouble: { kind: 'arrived', code: e.code, socket: e.socket },
        },
  // Sends, where the sender is a socket of this shell (its record): a piece is one read of the shell's, and
  // bytes that waited in the kernel (sent before accept) come off in one read, however many segments carried them.
  joined: (e) =>
    say({
      kind: 'info',
      text: `these ${e.bytes} bytes ${e.sends !== null && e.sends.count > 1 ? `were ${e.sends.count} sends of ${e.sends.sender}` : `arrived in ${e.pieces} pieces`} and one ${e.call} returned them together: TCP is a byte stream and keeps no message boundaries`,
    }),
  // The calls' own events: what the command that made the call says of it, the engine need not.
  listening: () => null,
  accepted: () => null,
  sent: () => null,
  returned: () => null,
  shut: () => null,
  closed: (e) => {
    if (e.unaccepted.count > 0) {
      const n = e.unaccepted.count;
      const them = n === 1 ? 'the connection that was' : `the ${n} connections that were`;
      const clients = n === 1 ? "its client's" : "each client's";
      const text = e.unaccepted.reset
        ? `${e.socket} was closed with ${them} waiting for accept: as Linux does, ${n === 1 ? 'it was' : 'they were'} reset (RST), and ${clients} next call fails with ECONNRESET (ConnectionResetError)`
        : e.local?.family === 'unix'
          ? // Node's server took them from the kernel; a close still resets one whose client's bytes wait unread (engine/unix-reads.ts).
            `${e.socket} was closed with ${them} waiting for accept: Linux would reset ${n === 1 ? 'it' : 'them'} (ECONNRESET, ConnectionResetError), but Node had taken ${n === 1 ? 'it' : 'them'} from the kernel, so only a client that had sent bytes is reset; a client that sent nothing reads b''`
          : `${e.socket} was closed with ${them} waiting for accept: Linux would reset ${n === 1 ? 'it' : 'them'}, but Node can only close ${n === 1 ? 'it' : 'them'} here (a TLS socket), so ${clients} recv returns b''`;
      return { output: { kind: 'warning', text }, trouble: { kind: 'reset', message: text } };
    }
    if (e.unread > 0 && e.local?.family === 'unix') {
      const text = `${e.socket} was closed with ${bytes(e.unread)} unread: as Linux does when a program closes a Unix socket with data unread, the peer's next recv fails with ECONNRESET (ConnectionResetError) instead of returning b'' (no packet is sent: the kernel marks the other end reset). Read until recv returns b'' before closing, for an orderly end`;
      return { output: { kind: 'warning', text }, trouble: { kind: 'reset', message: text } };
    }
    if (e.unread > 0) {
      const text = `${e.socket} was closed with ${bytes(e.unread)} unread: as Linux does when a program closes with data unread, the connection was reset (RST), not ended with a FIN, and the peer's next call fails with ECONNRESET. Read until recv returns b'' before closing, for an orderly end`;
      return { output: { kind: 'warning', text }, trouble: { kind: 'reset', message: text } };
    }
    if (!e.linger) return null;
    const text = `${e.socket} was closed with SO_LINGER 0: the connection was reset (RST), not ended with a FIN, as Linux does with that option; data not yet sent is dropped and the peer's next call fails with ECONNRESET`;
    return { output: { kind: 'info', text }, trouble: { kind: 'reset', message: text } };
  },
  renamed: (e) => say({ kind: 'info', text: `${e.from} now names the new socket; the old one is still open, as ${e.socket}` }),
  rejected: (e) => {
    const text = `a client${e.from ? ` from ${addressRepr(e.from)}` : ''} failed the TLS handshake: ${e.detail}; it never reaches accept, which goes on waiting (Python's accept raises ssl.SSLError here)`;
    return { output: { kind: 'notice', tag: e.socket, text }, trouble: { kind: 'error', code: 'SSL_ERROR', message: text } };
  },
};

/**
 * An error that arrived between calls. EPIPE arrives only one way: the peer had closed for good after
 * its FIN, and answered what was sent since with a reset (engine/end-probe.ts resetAfterEnd).
 */
function failedText(code: string, socket: string, queued: number): string {
  if (code === 'EPIPE')
    return `the peer reset the connection (RST): it answered the data sent after its FIN (it had closed for good, or shut down reading); ${socket}'s next send fails with EPIPE (BrokenPipeError), recv returns b''`;
  // As Linux's: a recv returns what arrived before the reset first; a send meets the error at once.
  if (queued > 0)
    return `${code} arrived; a recv on ${socket} returns the ${queued} queued byte${queued === 1 ? '' : 's'} first and the next one reports it; a send reports it now`;
  return `${code} arrived; the next call on ${socket} reports it`;
}

/** A reset this side sent (the failed event's ownReset): data came after its shutdown rd and its FIN. */
function ownResetText(by: OwnReset, socket: string): string {
  const what = `the peer sent data after ${socket} shut down reading (shutdown rd/rdwr) and sent its FIN`;
  if (by === 'kernel')
    return `${what}: ${socket}'s own kernel answered it with a reset (RST), as Linux does, and dropped it; ${socket}'s next recv fails with ECONNRESET (ConnectionResetError), then returns b''`;
  return `${what}: the shell reset the connection (RST), as Linux's kernel does (without the native addon Node cannot shut down reading in the kernel, which had acknowledged the data); ${socket}'s next recv fails with ECONNRESET (ConnectionResetError), then returns b''`;
}

const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;

export function eventSays(event: EngineEvent, now: SayContext = { queued: 0 }): Said | null {
  return (EVENT_SAYS[event.kind] as Describe<EngineEvent['kind']>)(event, now);
}
