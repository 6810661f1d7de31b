/**
 * What the traffic log (`log on`, `run --log`) keeps of the engine's events: every byte that left or
 * reached a socket, and the FINs and drops between them, as socat -v -x records a relay. Pure: the
 * session subscribes it to the engine's one event stream, and render/traffic.ts writes its entries.
 */
import type { Address, EngineEvent, Transport } from '../engine/types.js';
import type { DataFate, RelayEvent } from '../relay/index.js';
import { hostPort } from '../lang/values.js';

/** hex: a hex dump with ASCII beside it (socat -x); text: the bytes as they are (socat -v). */
export type TrafficForm = 'hex' | 'text';

export type TrafficEntry =
  /** Bytes handed to the OS ('>') or arrived from the network into the socket's queue ('<'). */
  | {
      readonly kind: 'data';
      readonly at: Date;
      readonly direction: '>' | '<';
      readonly socket: string;
      readonly serial: number;
      readonly transport: Transport;
      readonly local: Address | null;
      readonly peer: Address | null;
      readonly bytes: number;
      /** A copy: the log may be written after the queue's buffer is reused. Empty for sendfile and for recvfile's fast path (file names it). */
      readonly data: Buffer;
      readonly file: string | null;
      /** What a relay did with the bytes, when it did more than pass them on at once: dropped, late, a second copy. */
      readonly note?: string;
    }
  /** A FIN sent ('>', shutdown or close) or received ('<'), or a datagram the full queue dropped ('<'). */
  | {
      readonly kind: 'mark';
      readonly at: Date;
      readonly direction: '>' | '<';
      readonly socket: string;
      readonly serial: number;
      readonly text: string;
    };

/** The local address of a socket by serial, asked when an event does not carry it. */
export type LocalOf = (serial: number) => Address | null;

/**
 * The entry for what went through a relay, as socat -v -x writes its relay's, told when it went: always
 * from the client's side, `client > target` going up and `client < target` coming back. Bytes the relay
 * lost are there, marked dropped; bytes it held back say how late they went; a FIN or a reset that
 * passed is a mark saying which.
 */
export function relayTrafficEntry(e: Extract<RelayEvent, { kind: 'data' | 'passed' }>, at = new Date()): TrafficEntry {
  const direction = e.direction === 'up' ? '>' : '<';
  if (e.kind === 'passed') {
    const [from, to] = e.direction === 'up' ? [e.client, e.target] : [e.target, e.client];
    const text =
      e.how === 'fin'
        ? `FIN from ${hostPort(from)}, passed on to ${hostPort(to)}`
        : `RST from ${hostPort(from)}, passed on to ${hostPort(to)} as a reset`;
    return { kind: 'mark', at, direction, socket: 'relay', serial: 0, text };
  }
  const note = fateNote(e.fate);
  return {
    kind: 'data',
    at,
    direction,
    socket: 'relay',
    serial: 0,
    transport: e.transport,
    local: e.client,
    peer: e.target,
    bytes: e.data.length,
    data: Buffer.from(e.data),
    file: null,
    ...(note === null ? {} : { note }),
  };
}

/** What the relay did to the bytes, in words; null when it passed them on at once. */
function fateNote(fate: DataFate): string | null {
  switch (fate.kind) {
    case 'lost':
      return 'dropped by the relay (--loss): not sent on';
    case 'sent': {
      const words = [
        ...(fate.lateMs === null ? [] : [`${fate.lateMs} ms late`]),
        ...(fate.reordered ? ['held back to go after the next one (--reorder)'] : []),
        ...(fate.copy === 2 ? ['the second copy (--duplicate)'] : []),
      ];
      return words.length === 0 ? null : words.join(', ');
    }
    default: {
      const exhaustive: never = fate;
      return exhaustive;
    }
  }
}

/** The entry for one engine event, or null for events that move no bytes. */
export function trafficEntry(event: EngineEvent, localOf: LocalOf, at = new Date()): TrafficEntry | null {
  const { serial, socket } = event;
  const mark = (direction: '>' | '<', text: string): TrafficEntry => ({ kind: 'mark', at, direction, socket, serial, text });
  switch (event.kind) {
    case 'sent':
      return {
        kind: 'data',
        at,
        direction: '>',
        socket,
        serial,
        transport: event.transport,
        local: event.local,
        peer: event.to,
        bytes: event.bytes,
        data: Buffer.from(event.data),
        file: event.file,
      };
    case 'received':
      return {
        kind: 'data',
        at,
        direction: '<',
        socket,
        serial,
        transport: event.transport,
        local: localOf(serial),
        peer: event.from,
        bytes: event.bytes,
        // recvfile's fast path moved the bytes into a file unseen: the entry names the file, as sendfile's does.
        data: event.file === undefined ? Buffer.from(event.data) : Buffer.alloc(0),
        file: event.file ?? null,
      };
    case 'eof':
      return mark(
        '<',
        event.end === 'fin' ? 'FIN: the peer closed its side' : event.end === 'stream' ? 'end of stream' : 'end of stream (FIN or reset)',
      );
    case 'shut':
      return event.fin ? mark('>', `FIN (shutdown ${event.how})`) : null;
    case 'closed':
      if (event.unread > 0)
        return mark('>', `${event.local?.family === 'unix' ? 'reset' : 'RST'} (close with ${event.unread} bytes unread)`);
      if (event.linger) return mark('>', 'RST (close with SO_LINGER 0)');
      return event.fin ? mark('>', 'FIN (close)') : null;
    case 'dropped':
      if (event.unit === 'connections') return mark('<', `a new connection ${event.reset ? 'reset' : 'closed'}: too many wait for accept`);
      return mark('<', `a datagram of ${event.bytes} bytes dropped: the receive queue is full`);
    case 'failed':
      // A reset this side sent (data after its shutdown rd) goes out; any other error came in.
      if (event.ownReset !== undefined)
        return mark('>', `RST from ${event.ownReset === 'kernel' ? 'the kernel' : 'the shell'} (data after shutdown rd)`);
      return mark('<', event.code);
    case 'connected':
      // The bytes logged are what the application sent and received: before encryption and after it.
      return event.tls
        ? mark('>', `TLS handshake done (${event.tls.version}, ${event.tls.cipher}): the bytes below are the plaintext`)
        : null;
    case 'connectFailed':
      return event.tls ? mark('<', `TLS handshake failed: ${event.tls.detail}`) : null;
    case 'rejected':
      return mark('<', `TLS handshake from ${event.from ? hostPort(event.from) : 'a client'} failed: ${event.detail}`);
    case 'bound':
    case 'incoming':
    case 'paused':
    case 'truncated':
    case 'joined':
    case 'listening':
    case 'accepted':
    case 'returned':
    case 'renamed':
      return null;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
