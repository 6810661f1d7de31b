import { addressRepr } from '../lang/values.js';
import type { Exchange } from '../record/exchange.js';
import { SendsInFlight } from './arrivals.js';
import { handshakesFirst } from './endpoints.js';
import { arrival, packetOfError, payload } from './labels.js';
import { LaneBook, type LabelsNow } from './lanes.js';
import { tlsNote, tlsRows } from './tls-rows.js';
import { failedConnectRows } from './failed-connect.js';

/**
 * A ladder (sequence) diagram of the session's socket calls: one lane per socket (the welcoming
 * socket apart from connection sockets), one per peer outside the shell, and rows of arrows (what
 * went over the network: datagrams, handshakes, data, FIN, RST) and notes (what a call returned).
 */
/** Under the lane of an address that answered a datagram with ICMP port unreachable. */
const NOTHING_BOUND_UDP = 'nothing bound there: ICMP port unreachable';

export type LaneKind = 'udp' | 'tcp' | 'welcoming' | 'connection' | 'peer';

export interface Lane {
  readonly title: string;
  readonly subtitle: string;
  readonly kind: LaneKind;
  /** A socket's lane: its serial (null for a connection accept has not returned) and its last label; null for a peer's. */
  readonly socket: { readonly serial: number | null; readonly label: string } | null;
}

export type Row =
  | { readonly kind: 'arrow'; readonly from: number; readonly to: number; readonly label: string; readonly control: boolean }
  | { readonly kind: 'note'; readonly lane: number; readonly text: string };

export interface Ladder {
  readonly lanes: readonly Lane[];
  readonly rows: readonly Row[];
  readonly dropped: number;
}

/** What the ladder is drawn from besides the log. */
export interface LadderContext {
  /** Calls the ring let go before the first exchange. */
  readonly dropped?: number;
  /** Of those, the addresses that are a relay of this shell's (ExchangeLog.relays): its lane is titled so, not as an outsider. */
  readonly relays?: ReadonlySet<string>;
  /** What the user called peers' addresses, by resolved host:port (ExchangeLog.names), shown under their lanes. */
  readonly names?: ReadonlyMap<string, string>;
  /** The label each open socket goes by now, by serial: lanes are titled with it (LaneBook.titled). */
  readonly labels?: LabelsNow;
}

/**
 * The ladder of a log. Arrows are what went over the network: a socket's send calls, the arrivals
 * from a peer outside the shell (what arrived, in the pieces it arrived in, whatever recv asked for),
 * handshakes, FINs where the engine saw them arrive, resets and ICMP errors from the peer. Calls that
 * move nothing over the network (recv, bind, close) are notes on the socket's lane.
 */
export function buildLadder(exchanges: readonly Exchange[], context: LadderContext = {}): Ladder {
  const book = new LaneBook();
  const inFlight = new SendsInFlight();
  const rows: Row[] = [];
  /** Lanes an RST from a socket of this shell was drawn to: the error it makes there is that arrow, not a new one. */
  const resetTo = new Set<number>();
  /** Lanes of this shell an RST was drawn from, to a socket of this shell: that socket's own word of it is a note. */
  const resetFrom = new Set<number>();
  /** Lanes that shut down reading: their recv's b'' is that, not the peer's FIN. */
  const readShut = new Set<number>();
  const note = (lane: number, text: string): void => void rows.push({ kind: 'note', lane, text });
  const arrow = (from: number, to: number, label: string, control: boolean): void =>
    void rows.push({ kind: 'arrow', from, to, label, control });
  /** A note of what arrived at a lane; arrivals in a row with nothing between are one note. */
  let lastArrival: { row: number; lane: number; bytes: number; pieces: number } | null = null;
  const arrivedNote = (lane: number, bytes: number, pieces: number): void => {
    const prev = lastArrival !== null && lastArrival.row === rows.length - 1 && lastArrival.lane === lane ? lastArrival : null;
    const total = { bytes: bytes + (prev?.bytes ?? 0), pieces: pieces + (prev?.pieces ?? 0) };
    const text = `arrived: ${total.bytes} B in ${total.pieces} piece${total.pieces === 1 ? '' : 's'}`;
    if (prev !== null) rows[prev.row] = { kind: 'note', lane, text };
    else note(lane, text);
    lastArrival = { row: rows.length - 1, lane, ...total };
  };

  for (const e of handshakesFirst(exchanges)) {
    switch (e.kind) {
      case 'bind': {
        const s = book.lane(e.socket, e.transport);
        s.local = e.local;
        note(s.index, e.implicit ? `never bound: the OS picked port ${e.local.port}` : `bind ${addressRepr(e.local)}`);
        break;
      }
      case 'listen': {
        const s = book.lane(e.socket, 'tcp', 'welcoming');
        s.local = e.local;
        note(s.index, 'listen: the welcoming socket');
        break;
      }
      case 'connect': {
        const s = book.lane(e.socket, e.transport);
        s.local = e.local;
        s.peer = e.remote;
        if (e.transport === 'udp') {
          note(s.index, `connect ${addressRepr(e.remote)}: no packet sent`);
          break;
        }
        const server = book.welcoming(e.remote);
        if (e.remote.family === 'unix') {
          // AF_UNIX: no packets; the kernel joins the two ends inside this host.
          if (server !== null) book.notAccepted(e.remote, e.local);
          const to = server?.index ?? book.outside(e.remote);
          book.answered(to);
          arrow(s.index, to, 'connect: joined by the kernel (no handshake)', true);
          break;
        }
        if (server !== null) book.notAccepted(e.remote, e.local);
        const to = server?.index ?? book.outside(e.remote);
        book.answered(to);
        arrow(s.index, to, 'SYN', true);
        arrow(to, s.index, 'SYN+ACK', true);
        arrow(s.index, to, 'ACK: connected', true);
        if (e.tls) rows.push(...tlsRows(s.index, to, e.tls));
        break;
      }
      case 'connectFailed': {
        const s = book.lane(e.socket, e.transport);
        const server = book.welcoming(e.remote);
        const to = server?.index ?? book.outside(e.remote);
        // A refused connect's RST says nothing listens there; a failed TLS handshake had a live server.
        if (e.tls !== null) book.answered(to);
        else if (e.code === 'ECONNREFUSED' && e.remote.family !== 'unix') book.refused(to, 'nothing listens there: RST');
        rows.push(...failedConnectRows(s.index, to, e.remote, e.code, e.tls));
        break;
      }
      case 'accept': {
        const listener = book.lane(e.socket, 'tcp', 'welcoming');
        const drawn = book.accepted(e.conn.serial, e.peer); // its client in this shell: its TLS handshake was drawn at connect
        const conn = book.lane(e.conn, 'tcp', 'connection');
        conn.local = e.local;
        conn.peer = e.peer;
        if (!drawn && e.peer.family !== 'unix') {
          // A client outside the shell: its kernel and ours made the connection before accept
          // returned it, at a time the engine never saw, so the rows say so rather than place it.
          const from = book.sender(conn, e.peer);
          if (from !== null && !from.inside) {
            book.answered(from.lane);
            note(listener.index, 'handshake done by the kernel before accept (when: not known)');
            arrow(from.lane, listener.index, 'SYN', true);
            arrow(listener.index, from.lane, 'SYN+ACK (the kernel)', true);
            arrow(from.lane, listener.index, 'ACK: queued for accept', true);
          }
        }
        arrow(listener.index, conn.index, `accept: new socket for ${addressRepr(e.peer)}`, true);
        if (e.tls && !drawn) rows.push(tlsNote(conn.index, e.tls));
        break;
      }
      case 'send': {
        const s = book.lane(e.socket, e.transport);
        if (e.local && !s.local && e.transport === 'udp') note(s.index, `never bound: the OS picked port ${e.local.port}`);
        if (e.local) s.local = e.local;
        const to = book.destination(s, e.to, e.transport);
        const label = `${e.call} ${e.file === null ? payload(e.bytes, e.preview) : `${e.bytes} B of ${e.file}`}`;
        if (to === null) note(s.index, label);
        else {
          arrow(s.index, to, label, false);
          if (e.transport === 'tcp') inFlight.sent(to, e.bytes);
        }
        break;
      }
      case 'arrived': {
        // An outside peer's data is drawn as it arrived; a socket of this shell drew its sends.
        const s = book.lane(e.socket, e.transport);
        const from = book.sender(s, e.from);
        if (from === null) break;
        if (!from.inside) {
          book.answered(from.lane);
          arrow(from.lane, s.index, arrival(e.transport, e.bytes, e.pieces, e.preview), false);
        } else if (e.transport === 'tcp' && !inFlight.arrived(s.index, e.bytes, e.pieces)) arrivedNote(s.index, e.bytes, e.pieces);
        break;
      }
      case 'recv': {
        // What the call returned: a note, as every call that sends nothing is. Its bytes were drawn as they arrived.
        const s = book.lane(e.socket, e.transport);
        if (e.local) s.local = e.local;
        const shown = e.file === null ? payload(e.bytes, e.preview) : `${e.bytes} B`;
        const what =
          e.file !== null
            ? `${e.bytes} B into ${e.file}`
            : e.bytes === 0 && e.transport === 'tcp'
              ? readShut.has(s.index)
                ? "b'' (shut down for reading)"
                : "b'' (the peer closed)"
              : shown;
        note(s.index, `${e.call} → ${what}${e.call === 'recvfrom' && e.from ? ` from ${addressRepr(e.from)}` : ''}`);
        break;
      }
      case 'fin': {
        const s = book.lane(e.socket, 'tcp');
        const to = book.destination(s, e.to, 'tcp');
        // A Unix socket sends no packets: its peer reads the end of the stream.
        const how = readShut.has(s.index) ? 'shutdown rdwr' : 'shutdown wr';
        const label = `${s.local?.family === 'unix' ? 'end of stream' : 'FIN'} (${e.call === 'close' ? 'close' : how})`;
        if (to === null) note(s.index, label);
        else arrow(s.index, to, label, true);
        if (e.call === 'close') s.closed = true;
        break;
      }
      case 'ended': {
        // The FIN arrived, drawn where the engine saw it. A peer in this shell drew its own when it closed.
        const s = book.known(e.socket.serial);
        if (s === undefined || s.peer === null) break;
        const from = book.sender(s, s.peer);
        const end = e.end === 'stream' ? 'end of stream' : e.end === 'fin' ? 'FIN' : 'FIN or RST (the OS did not say which)';
        if (from !== null && !from.inside) {
          book.answered(from.lane);
          arrow(from.lane, s.index, end, true);
        }
        break;
      }
      case 'reset': {
        const s = book.lane(e.socket, 'tcp');
        const to = book.destination(s, e.to, 'tcp');
        // A Unix socket sends no packets: the kernel marks the peer reset (it has no SO_LINGER 0 reset).
        const reset = s.local?.family === 'unix' ? 'reset' : 'RST';
        const label = e.unread > 0 ? `${reset} (close with ${e.unread} B unread)` : 'RST (close with SO_LINGER 0)';
        if (to === null) note(s.index, label);
        else {
          arrow(s.index, to, label, true);
          resetTo.add(to);
        }
        s.closed = true;
        break;
      }
      case 'close': {
        const s = book.known(e.socket.serial);
        if (s) {
          s.closed = true;
          note(s.index, 'close');
        }
        break;
      }
      case 'shutRead': {
        const s = book.known(e.socket.serial);
        if (s) readShut.add(s.index);
        break;
      }
      case 'failed': {
        // An error that arrived between calls: the packet the peer's host sent (an RST, ICMP), from its lane.
        const s = book.known(e.socket.serial);
        if (s === undefined) break;
        if (e.ownReset !== undefined) {
          // This side's RST: its kernel's (or the shell's) answer to data after its shutdown rd.
          const by = e.ownReset === 'kernel' ? 'its kernel' : 'the shell';
          const to = resetFrom.has(s.index) ? null : book.destination(s, s.peer, 'tcp');
          if (to === null) note(s.index, `ECONNRESET: ${by} reset the connection (data came after shutdown rd)`);
          else {
            arrow(s.index, to, `RST from ${by} (data after shutdown rd)`, true);
            resetTo.add(to);
          }
          break;
        }
        const packet = packetOfError(s.transport, e.code, s.local?.family === 'unix');
        const from = packet === null ? null : book.sender(s, s.peer);
        if (packet !== null && from !== null && !(from.inside && resetTo.has(s.index))) {
          // ICMP port unreachable: the peer's host said nothing is bound there; a reset comes from a live peer.
          if (e.code === 'ECONNREFUSED') book.refused(from.lane, NOTHING_BOUND_UDP);
          else book.answered(from.lane);
          arrow(from.lane, s.index, packet, true);
          if (from.inside) resetFrom.add(from.lane);
        } else note(s.index, `${e.code} arrived`);
        break;
      }
      case 'cut': {
        const s = book.lane(e.socket, 'udp');
        note(s.index, `a ${e.size} B datagram cut to BUFSIZE ${e.bufsize}`);
        break;
      }
      case 'lost':
        // The datagram's arrow ends at the relay's lane (the sender's send drew it); it goes no further.
        note(book.outside(e.at), `lost: ${payload(e.bytes, e.preview)}`);
        break;
      case 'rejected': {
        const s = book.lane(e.socket, 'tcp', 'welcoming');
        const from = e.from ? ` from ${addressRepr(e.from)}` : '';
        rows.push({ kind: 'note', lane: s.index, text: `TLS handshake${from} failed: ${e.detail}` });
        break;
      }
      case 'relabel': {
        const s = book.known(e.socket.serial);
        if (s) {
          note(s.index, `${s.name} now names a new socket; this one is ${e.socket.name}`);
          s.name = e.socket.name;
        }
        break;
      }
      default: {
        const exhaustive: never = e;
        return exhaustive;
      }
    }
  }
  return {
    lanes: book.titled(context.labels ?? new Map(), context.names ?? new Map(), context.relays),
    rows,
    dropped: context.dropped ?? 0,
  };
}
