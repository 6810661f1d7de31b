import type { Address, Transport } from '../engine/types.js';
import { addressRepr, hostPort, repr } from '../lang/values.js';
import type { Exchange, LoggedSocket } from '../record/exchanges.js';
import { endpoint, handshakesFirst, same } from './endpoints.js';

/**
 * A ladder (sequence) diagram of the session's socket calls: one lane per socket (the welcoming
 * socket apart from connection sockets), one per peer outside the shell, and rows of arrows
 * (datagrams, handshakes, data as the application sent it, FIN) and notes (what a call returned).
 */
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

interface SocketLane {
  index: number;
  /** The socket; null for a connection accept has not returned yet. */
  serial: number | null;
  /** The socket's label, the last one the log gave it. */
  name: string;
  closed: boolean;
  kind: LaneKind;
  transport: Transport;
  local: Address | null;
  peer: Address | null;
  /**
   * A peer outside the shell ended the connection (fin: it was a FIN for sure) and the arrow is not
   * drawn yet: it goes where the application learns of it, at the recv that returns b'' (or at close),
   * so it follows the data that came before it.
   */
  ended: { readonly fin: boolean; readonly from: number } | null;
}

/** names: what the user called peers' addresses, by resolved host:port (ExchangeLog.names), shown under their lanes. */
export function buildLadder(exchanges: readonly Exchange[], dropped: number, names: ReadonlyMap<string, string> = new Map()): Ladder {
  /** Every lane in order: a socket's (with what is known of it) or a peer's outside the shell. */
  const lanes: { title: string; kind: LaneKind; socket?: SocketLane }[] = [];
  /** The lane of each socket, by serial (a socket is its serial; its label can move), and all of them in order. */
  const sockets = new Map<number, SocketLane>();
  const all: SocketLane[] = [];
  const peers = new Map<string, number>();
  /**
   * Connections to a welcoming socket of this shell that accept has not returned yet, by the client's
   * address: the kernel made them at the handshake, and data sent on them waits there. accept names
   * the lane; until then it is drawn as what it is.
   */
  const unaccepted = new Map<string, SocketLane>();
  const rows: Row[] = [];

  /** The arrow of an outside peer's end of the connection, once, where the application learnt of it. */
  const drawEnd = (s: SocketLane): void => {
    if (s.ended === null) return;
    const label = s.ended.fin ? 'FIN' : 'FIN or RST (the OS did not say which)';
    rows.push({ kind: 'arrow', from: s.ended.from, to: s.index, label, control: true });
    s.ended = null;
  };

  /** The lane of a socket: one per socket, whatever it was called. */
  const lane = (ref: LoggedSocket, transport: Transport, kind?: LaneKind): SocketLane => {
    let s = sockets.get(ref.serial);
    if (!s) {
      s = {
        index: lanes.length,
        serial: ref.serial,
        name: ref.name,
        closed: false,
        kind: kind ?? transport,
        transport,
        local: null,
        peer: null,
        ended: null,
      };
      lanes.push({ title: ref.name, kind: s.kind, socket: s });
      sockets.set(ref.serial, s);
      all.push(s);
    }
    s.name = ref.name;
    if (kind && s.kind !== kind) s.kind = lanes[s.index]!.kind = kind;
    return s;
  };
  /** A peer's lane: one per endpoint, however its address was written (::ffff:127.0.0.1 is 127.0.0.1). */
  const outside = (a: Address): number => {
    const key = endpoint(a);
    let i = peers.get(key);
    if (i === undefined) {
      i = lanes.length;
      lanes.push({ title: hostPort(a), kind: 'peer' });
      peers.set(key, i);
    }
    return i;
  };
  /**
   * The socket lane that fits, an open one first. A closed TCP socket still fits: when one end of a
   * connection closes first, the other end's FIN and late data still go to it, not to an outsider.
   */
  const find = (fits: (s: SocketLane) => boolean, closedToo: boolean): SocketLane | null => {
    for (const s of all) if (!s.closed && fits(s)) return s;
    if (closedToo) for (let i = all.length - 1; i >= 0; i--) if (all[i]!.closed && fits(all[i]!)) return all[i]!;
    return null;
  };
  /** The lane that receives what `from` sends to `to`: a socket of this session if one fits, else a peer lane. */
  const destination = (from: SocketLane, to: Address | null, transport: Transport): number | null => {
    if (!to) return null;
    const fits = (s: SocketLane): boolean =>
      s !== from &&
      s.transport === transport &&
      s.kind !== 'welcoming' &&
      same(s.local, to) &&
      (transport === 'udp' || same(s.peer, from.local));
    return find(fits, transport === 'tcp')?.index ?? outside(to);
  };
  const sender = (to: SocketLane, from: Address | null): { lane: number; inside: boolean } | null => {
    if (!from) return null;
    const s = find((s) => s !== to && same(s.local, from) && (to.transport === 'udp' || same(s.peer, to.local)), to.transport === 'tcp');
    return s ? { lane: s.index, inside: true } : { lane: outside(from), inside: false };
  };

  for (const e of handshakesFirst(exchanges)) {
    switch (e.kind) {
      case 'bind': {
        const s = lane(e.socket, e.transport);
        s.local = e.local;
        rows.push({ kind: 'note', lane: s.index, text: `bind ${addressRepr(e.local)}` });
        break;
      }
      case 'listen': {
        const s = lane(e.socket, 'tcp', 'welcoming');
        s.local = e.local;
        rows.push({ kind: 'note', lane: s.index, text: 'listen: the welcoming socket' });
        break;
      }
      case 'connect': {
        const s = lane(e.socket, e.transport);
        s.local = e.local;
        s.peer = e.remote;
        if (e.transport === 'udp') {
          rows.push({ kind: 'note', lane: s.index, text: `connect ${addressRepr(e.remote)}: no packet sent` });
          break;
        }
        let server: number | null = null;
        for (const t of sockets.values()) if (t.kind === 'welcoming' && same(t.local, e.remote)) server = t.index;
        const to = server ?? outside(e.remote);
        if (server !== null) {
          const conn: SocketLane = {
            index: lanes.length,
            serial: null,
            name: NOT_ACCEPTED,
            closed: false,
            kind: 'connection',
            transport: 'tcp',
            local: e.remote,
            peer: e.local,
            ended: null,
          };
          lanes.push({ title: NOT_ACCEPTED, kind: 'connection', socket: conn });
          all.push(conn);
          unaccepted.set(endpoint(e.local), conn);
        }
        rows.push({ kind: 'arrow', from: s.index, to, label: 'SYN', control: true });
        rows.push({ kind: 'arrow', from: to, to: s.index, label: 'SYN+ACK', control: true });
        rows.push({ kind: 'arrow', from: s.index, to, label: 'ACK: connected', control: true });
        break;
      }
      case 'accept': {
        const listener = lane(e.socket, 'tcp', 'welcoming');
        const waiting = unaccepted.get(endpoint(e.peer));
        if (waiting !== undefined && !sockets.has(e.conn.serial)) {
          unaccepted.delete(endpoint(e.peer));
          sockets.set(e.conn.serial, waiting);
          waiting.serial = e.conn.serial;
        }
        const conn = lane(e.conn, 'tcp', 'connection');
        conn.local = e.local;
        conn.peer = e.peer;
        rows.push({
          kind: 'arrow',
          from: listener.index,
          to: conn.index,
          label: `accept: new socket for ${addressRepr(e.peer)}`,
          control: true,
        });
        break;
      }
      case 'send': {
        const s = lane(e.socket, e.transport);
        if (e.local && !s.local && e.transport === 'udp')
          rows.push({ kind: 'note', lane: s.index, text: `never bound: the OS picked port ${e.local.port}` });
        if (e.local) s.local = e.local;
        const to = destination(s, e.to, e.transport);
        const label = `${e.call} ${e.file === null ? payload(e.bytes, e.preview) : `${e.bytes} B of ${e.file}`}`;
        rows.push(to === null ? { kind: 'note', lane: s.index, text: label } : { kind: 'arrow', from: s.index, to, label, control: false });
        break;
      }
      case 'recv': {
        const s = lane(e.socket, e.transport);
        if (e.local) s.local = e.local;
        const from = sender(s, e.from);
        const shown = e.file === null ? payload(e.bytes, e.preview) : `${e.bytes} B`;
        // b'' on TCP is the end the peer's FIN (or reset) made: no data, and its arrow is drawn once.
        const ended = e.bytes === 0 && e.transport === 'tcp' && e.file === null;
        if (from && !from.inside && !ended) rows.push({ kind: 'arrow', from: from.lane, to: s.index, label: shown, control: false });
        if (ended) drawEnd(s);
        const what =
          e.file !== null ? `${e.bytes} B into ${e.file}` : e.bytes === 0 && e.transport === 'tcp' ? "b'' (the peer closed)" : shown;
        rows.push({
          kind: 'note',
          lane: s.index,
          text: `${e.call} → ${what}${e.call === 'recvfrom' && e.from ? ` from ${addressRepr(e.from)}` : ''}`,
        });
        break;
      }
      case 'fin': {
        const s = lane(e.socket, 'tcp');
        if (e.call === 'close') drawEnd(s);
        const to = destination(s, e.to, 'tcp');
        const label = `FIN (${e.call === 'close' ? 'close' : 'shutdown wr'})`;
        rows.push(to === null ? { kind: 'note', lane: s.index, text: label } : { kind: 'arrow', from: s.index, to, label, control: true });
        if (e.call === 'close') s.closed = true;
        break;
      }
      case 'ended': {
        // A peer in this shell drew its own FIN (or RST) when it closed; an outside one is drawn later.
        const s = sockets.get(e.socket.serial);
        if (s === undefined || s.peer === null) break;
        const from = sender(s, s.peer);
        if (from !== null && !from.inside) s.ended = { fin: e.fin, from: from.lane };
        break;
      }
      case 'reset': {
        const s = lane(e.socket, 'tcp');
        drawEnd(s);
        const to = destination(s, e.to, 'tcp');
        const label = `RST (close with ${e.unread} B unread)`;
        rows.push(to === null ? { kind: 'note', lane: s.index, text: label } : { kind: 'arrow', from: s.index, to, label, control: true });
        s.closed = true;
        break;
      }
      case 'close': {
        const s = sockets.get(e.socket.serial);
        if (s) {
          drawEnd(s);
          s.closed = true;
          rows.push({ kind: 'note', lane: s.index, text: 'close' });
        }
        break;
      }
      case 'failed': {
        const s = sockets.get(e.socket.serial);
        if (s) rows.push({ kind: 'note', lane: s.index, text: `${e.code} arrived` });
        break;
      }
      case 'cut': {
        const s = lane(e.socket, 'udp');
        rows.push({ kind: 'note', lane: s.index, text: `a ${e.size} B datagram cut to BUFSIZE ${e.bufsize}` });
        break;
      }
      case 'relabel': {
        const s = sockets.get(e.socket.serial);
        if (s) {
          rows.push({ kind: 'note', lane: s.index, text: `${s.name} now names a new socket; this one is ${e.socket.name}` });
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
  const subtitle = (i: number): string => {
    const l = lanes[i]!;
    if (l.kind === 'peer') {
      const name = names.get(l.title);
      return name === undefined ? 'outside this shell' : `outside this shell (${name})`;
    }
    const s = l.socket!;
    const kind = l.kind === 'welcoming' ? 'TCP welcoming' : l.kind === 'connection' ? 'TCP connection' : l.kind.toUpperCase();
    return s.local ? `${kind} ${hostPort(s.local)}` : kind;
  };
  // Each socket's lane goes by its last label; sockets that had the same one are told apart by number
  // (a server's loop names every connection connectionSocket).
  const named = new Map<string, number>();
  const title = (l: (typeof lanes)[number]): string => {
    if (!l.socket) return l.title;
    const nth = (named.get(l.socket.name) ?? 0) + 1;
    named.set(l.socket.name, nth);
    return nth === 1 ? l.socket.name : `${l.socket.name} (${nth})`;
  };
  const socket = (s: SocketLane | undefined): Lane['socket'] => (s ? { serial: s.serial, label: s.name } : null);
  return {
    lanes: lanes.map((l, i) => ({ title: title(l), kind: l.kind, subtitle: subtitle(i), socket: socket(l.socket) })),
    rows,
    dropped,
  };
}

/** The label of a connection's lane until accept returns it. */
const NOT_ACCEPTED = '(not accepted yet)';

/** A byte count, and the payload itself when it is short. */
function payload(bytes: number, preview: Buffer): string {
  if (bytes === 0) return "0 B b''";
  const shown = repr({ kind: 'bytes', value: preview.subarray(0, 16) });
  return `${bytes} B ${shown}${bytes > 16 ? '…' : ''}`;
}
