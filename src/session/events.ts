import type { EngineEvent } from '../engine/types.js';
import { addressRepr } from '../lang/values.js';
import type { Output } from '../core/output.js';
import type { Trouble } from '../record/trouble.js';

type Describe<K extends EngineEvent['kind']> = (event: Extract<EngineEvent, { kind: K }>) => Output | null;

/**
 * What the user hears about each engine event. Typed over every kind, so a new event does not
 * compile until it has a line here. Notices about waiting data fire only when a queue goes from
 * empty to not empty, so a flood gives one line, not thousands.
 */
export const EVENT_OUTPUT: { readonly [K in EngineEvent['kind']]: Describe<K> } = {
  bound: (e) =>
    e.implicit
      ? {
          kind: 'info',
          text: `the OS bound ${e.socket} to ${addressRepr(e.address)}: it picked port ${e.address.port}, as the socket was never bound`,
        }
      : null,
  connected: () => null,
  incoming: (e) =>
    e.taken || e.pending !== 1
      ? null
      : { kind: 'notice', tag: e.socket, text: `a client connected from ${addressRepr(e.from)}; accept will return it` },
  received: (e) => {
    if (e.taken || e.queued === 0) return null;
    if (e.transport === 'udp' && e.queued === 1) {
      const from = e.from ? ` from ${addressRepr(e.from)}` : '';
      return { kind: 'notice', tag: e.socket, text: `a datagram of ${bytes(e.bytes)}${from} is waiting; recvfrom will return it` };
    }
    if (e.transport === 'tcp' && e.queued === e.bytes)
      return {
        kind: 'notice',
        tag: e.socket,
        text: `${bytes(e.bytes)} ${e.bytes === 1 ? 'is' : 'are'} waiting; recv will return ${e.bytes === 1 ? 'it' : 'them'}`,
      };
    return null;
  },
  eof: (e) =>
    e.taken
      ? null
      : {
          kind: 'notice',
          tag: e.socket,
          text: `${e.fin ? 'the peer closed its side (FIN)' : 'the connection ended (FIN or reset; the OS did not say which)'}; recv returns b'' ${e.queued ? `after the ${e.queued} queued bytes` : 'from now on'}`,
        },
  // 1, 10, 100, 1000... drops: a flood of a million datagrams says so in seven lines, not a thousand.
  dropped: (e) => (shownDrop(e) ? { kind: 'warning', text: droppedText(e) } : null),
  // Once per flood: a recv that makes room lets the queue refill and pause again, which is no news;
  // nor is a pause that a recvfile under way will drain.
  paused: (e) =>
    e.again || e.taken
      ? null
      : { kind: 'notice', tag: e.socket, text: `${e.queued} bytes queued; stopped reading until recv makes room (TCP flow control)` },
  truncated: (e) => ({ kind: 'warning', text: truncatedText(e) }),
  failed: (e) => (e.taken ? null : { kind: 'notice', tag: e.socket, text: `${e.code} arrived; the next call on ${e.socket} reports it` }),
  joined: (e) => ({
    kind: 'info',
    text: `these ${e.bytes} bytes arrived in ${e.pieces} pieces and one recv returned them together: TCP is a byte stream and keeps no message boundaries`,
  }),
  // The calls' own events: what the command that made the call says of it, the engine need not.
  listening: () => null,
  accepted: () => null,
  sent: () => null,
  returned: () => null,
  shut: () => null,
  closed: (e) => (e.unread > 0 ? { kind: 'warning', text: resetText(e) } : null),
  renamed: (e) => ({ kind: 'info', text: `${e.from} now names the new socket; the old one is still open, as ${e.socket}` }),
};

const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;

type Of<K extends EngineEvent['kind']> = Extract<EngineEvent, { kind: K }>;

const shownDrop = (e: Of<'dropped'>): boolean => /^10*$/.test(String(e.total));
const droppedText = (e: Of<'dropped'>): string =>
  e.unit === 'datagrams'
    ? `${e.socket}: receive queue full; dropped ${e.total} datagram${e.total === 1 ? '' : 's'} so far, as the OS does`
    : `${e.socket}: too many connections wait for accept; reset ${e.total} new connection${e.total === 1 ? '' : 's'} so far; accept makes room`;
const resetText = (e: Of<'closed'>): string =>
  `${e.socket} was closed with ${bytes(e.unread)} unread: as Linux does when a program closes with data unread, the connection was reset (RST), not ended with a FIN, and the peer's next call fails with ECONNRESET. Read until recv returns b'' before closing, for an orderly end`;
const truncatedText = (e: Of<'truncated'>): string =>
  `${e.socket}: a datagram of ${e.size} bytes was cut to BUFSIZE ${e.bufsize}; the other ${e.size - e.bufsize} bytes are lost, as in Python`;

export function eventOutput(event: EngineEvent): Output | null {
  return (EVENT_OUTPUT[event.kind] as Describe<EngineEvent['kind']>)(event);
}

type Troubling<K extends EngineEvent['kind']> = (event: Extract<EngineEvent, { kind: K }>) => Trouble | null;

/**
 * Which engine events are something that went wrong, for `explain`: the ones EVENT_OUTPUT turns into
 * a warning, or into a notice of an error that arrived. Typed over every kind, as EVENT_OUTPUT is.
 */
export const EVENT_TROUBLE: { readonly [K in EngineEvent['kind']]: Troubling<K> } = {
  bound: () => null,
  connected: () => null,
  incoming: () => null,
  received: () => null,
  eof: () => null,
  dropped: (e) => (shownDrop(e) ? { kind: 'dropped', message: droppedText(e), unit: e.unit } : null),
  paused: () => null,
  truncated: (e) => ({ kind: 'truncated', message: truncatedText(e) }),
  failed: (e) => (e.taken ? null : { kind: 'arrived', code: e.code, socket: e.socket }),
  joined: () => null,
  listening: () => null,
  accepted: () => null,
  sent: () => null,
  returned: () => null,
  shut: () => null,
  closed: (e) => (e.unread > 0 ? { kind: 'reset', message: resetText(e) } : null),
  renamed: () => null,
};

export function eventTrouble(event: EngineEvent): Trouble | null {
  return (EVENT_TROUBLE[event.kind] as Troubling<EngineEvent['kind']>)(event);
}
