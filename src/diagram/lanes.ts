import type { Address, Transport } from '../engine/types.js';
import { hostPort } from '../lang/values.js';
import type { LoggedSocket } from '../record/exchange.js';
import { endpoint, same } from './endpoints.js';
import type { Lane, LaneKind } from './model.js';

/**
 * The lanes of a ladder as its log is read: one per socket (by serial: a socket is its serial, its
 * label can move), one per peer outside the shell (by endpoint), and the connections the kernel made
 * for a welcoming socket of this shell before accept returned them. It answers which lane sent or
 * receives what, and titles the lanes at the end.
 */

export interface SocketLane {
  readonly index: number;
  /** The socket; null for a connection accept has not returned yet. */
  serial: number | null;
  /** The socket's label, the last one the log gave it. */
  name: string;
  closed: boolean;
  kind: LaneKind;
  readonly transport: Transport;
  local: Address | null;
  peer: Address | null;
  /** A connection whose client's address the shell never learnt (Accepted.from null): that client's lane. */
  unknownPeer?: number;
}

/** What the diagram is told of the sockets now: the label each open socket goes by (as `sockets` and the prompt show it), by serial. */
export type LabelsNow = ReadonlyMap<number, string>;

/**
 * What a peer's lane is known to be, from what came back from its address: something answered
 * (data, a handshake, a FIN: a live peer), or the OS answered that nothing is bound there (ICMP port
 * unreachable, when the socket learnt of it). Neither: a destination, not shown to be a peer.
 */
interface PeerSeen {
  answered: boolean;
  /** What the OS answered for an address with nothing there, when it did: ICMP port unreachable (UDP), RST (TCP). */
  refused: string | null;
}

/** The title of a connection's lane until accept returns it. */
const NOT_ACCEPTED = '(not accepted yet)';

/** The title of a client's lane when its address is not known. */
export const UNKNOWN_PEER = 'address unknown';

export class LaneBook {
  /** Every lane in order: a socket's, or a peer's outside the shell (its title is its address). */
  private readonly lanes: { title: string; kind: LaneKind; socket?: SocketLane; peer?: PeerSeen }[] = [];
  private readonly sockets = new Map<number, SocketLane>();
  private readonly all: SocketLane[] = [];
  private readonly peers = new Map<string, number>();
  /**
   * Connections to a welcoming socket of this shell that accept has not returned yet, by the client's
   * address: the kernel made them at the handshake, and data sent on them waits there. accept names
   * the lane; until then it is drawn as what it is.
   */
  private readonly unaccepted = new Map<string, SocketLane>();

  /** The lane of a socket: one per socket, whatever it was called; kind makes it a welcoming or connection lane. */
  lane(ref: LoggedSocket, transport: Transport, kind?: LaneKind): SocketLane {
    let s = this.sockets.get(ref.serial);
    if (!s) {
      s = {
        index: this.lanes.length,
        serial: ref.serial,
        name: ref.name,
        closed: false,
        kind: kind ?? transport,
        transport,
        local: null,
        peer: null,
      };
      this.lanes.push({ title: ref.name, kind: s.kind, socket: s });
      this.sockets.set(ref.serial, s);
      this.all.push(s);
    }
    s.name = ref.name;
    if (kind && s.kind !== kind) s.kind = this.lanes[s.index]!.kind = kind;
    return s;
  }

  /** The lane of a socket already drawn, or undefined. */
  known(serial: number): SocketLane | undefined {
    return this.sockets.get(serial);
  }

  /** A peer's lane: one per endpoint, however its address was written (::ffff:127.0.0.1 is 127.0.0.1). */
  outside(a: Address): number {
    const key = endpoint(a);
    let i = this.peers.get(key);
    if (i === undefined) {
      i = this.lanes.length;
      this.lanes.push({ title: hostPort(a), kind: 'peer', peer: { answered: false, refused: null } });
      this.peers.set(key, i);
    }
    return i;
  }

  /** A lane of its own for a client whose address is not known (see Accepted.from): no address to share it by. */
  unknownClient(): number {
    this.lanes.push({ title: UNKNOWN_PEER, kind: 'peer', peer: { answered: true, refused: null } });
    return this.lanes.length - 1;
  }

  /** Something came from the peer at lane i (data, a handshake, a FIN, a reset): it is a live peer. */
  answered(i: number): void {
    const peer = this.lanes[i]?.peer;
    if (peer) peer.answered = true;
  }

  /** The OS at lane i's address answered that nothing is there: 'nothing bound there: ICMP port unreachable', say. */
  refused(i: number, answer: string): void {
    const peer = this.lanes[i]?.peer;
    if (peer) peer.refused = answer;
  }

  /** The welcoming socket of this shell listening at address, if any. */
  welcoming(address: Address): SocketLane | null {
    let found: SocketLane | null = null;
    for (const t of this.sockets.values()) if (t.kind === 'welcoming' && same(t.local, address)) found = t;
    return found;
  }

  /** The connection the kernel made for a client at `client` to a welcoming socket of this shell, at `server`. */
  notAccepted(server: Address, client: Address): SocketLane {
    const conn: SocketLane = {
      index: this.lanes.length,
      serial: null,
      name: NOT_ACCEPTED,
      closed: false,
      kind: 'connection',
      transport: 'tcp',
      local: server,
      peer: client,
    };
    this.lanes.push({ title: NOT_ACCEPTED, kind: 'connection', socket: conn });
    this.all.push(conn);
    this.unaccepted.set(endpoint(client), conn);
    return conn;
  }

  /** accept returned the connection from peer as socket serial: its lane is the one drawn since the handshake, if any (then true: its client is in this session). */
  accepted(serial: number, peer: Address): boolean {
    const waiting = this.unaccepted.get(endpoint(peer));
    if (waiting === undefined) return false;
    if (this.sockets.has(serial)) return true;
    this.unaccepted.delete(endpoint(peer));
    this.sockets.set(serial, waiting);
    waiting.serial = serial;
    return true;
  }

  /** The lane that receives what `from` sends to `to`: a socket of this session if one fits, else a peer lane. */
  destination(from: SocketLane, to: Address | null, transport: Transport): number | null {
    if (!to) return null;
    const fits = (s: SocketLane): boolean =>
      s !== from &&
      s.transport === transport &&
      s.kind !== 'welcoming' &&
      same(s.local, to) &&
      (transport === 'udp' || same(s.peer, from.local));
    return this.find(fits, transport === 'tcp')?.index ?? this.outside(to);
  }

  /**
   * The lane that sent what reached `to` from address `from`: inside, a socket of this session. A closed
   * one still fits, as a datagram sent just before its socket closed can be told after the close.
   */
  sender(to: SocketLane, from: Address | null): { lane: number; inside: boolean } | null {
    if (!from) return to.unknownPeer === undefined ? null : { lane: to.unknownPeer, inside: false };
    const s = this.find((s) => s !== to && same(s.local, from) && (to.transport === 'udp' || same(s.peer, to.local)), true);
    return s ? { lane: s.index, inside: true } : { lane: this.outside(from), inside: false };
  }

  /**
   * The lanes, titled. An open socket's lane goes by the label it has now (labels: what `sockets` and
   * the prompt call it; the log's last label when not given), a closed socket's by the last label the
   * log gave it, marked closed: so no lane goes by a name that `sockets` gives another socket. names: what the user called peers'
   * addresses, shown under their lanes.
   */
  titled(labels: LabelsNow, names: ReadonlyMap<string, string>, relays: ReadonlySet<string> = new Set()): Lane[] {
    return this.lanes.map((l) => {
      const s = l.socket;
      if (s === undefined) {
        const name = names.get(l.title);
        return { title: l.title, kind: l.kind, subtitle: peerSubtitle(l.peer, name, relays.has(l.title)), socket: null };
      }
      const label = s.closed || s.serial === null ? s.name : (labels.get(s.serial) ?? s.name);
      const title = s.closed ? `${label} (closed)` : label;
      const stream = s.local?.family === 'unix' ? 'UNIX' : 'TCP';
      const kind =
        l.kind === 'welcoming'
          ? `${stream} welcoming`
          : l.kind === 'connection'
            ? `${stream} connection`
            : stream === 'UNIX'
              ? stream
              : l.kind.toUpperCase();
      return { title, kind: l.kind, subtitle: s.local ? `${kind} ${hostPort(s.local)}` : kind, socket: { serial: s.serial, label } };
    });
  }

  /**
   * The socket lane that fits, an open one first. A closed TCP socket still fits: when one end of a
   * connection closes first, the other end's FIN and late data still go to it, not to an outsider.
   */
  private find(fits: (s: SocketLane) => boolean, closedToo: boolean): SocketLane | null {
    for (const s of this.all) if (!s.closed && fits(s)) return s;
    if (closedToo) for (let i = this.all.length - 1; i >= 0; i--) if (this.all[i]!.closed && fits(this.all[i]!)) return this.all[i]!;
    return null;
  }
}

/**
 * Under a peer's lane, what it is known to be: a relay of this shell (its job's own sockets), a peer
 * outside the shell that answered, an address where nothing was bound (the OS said so), or only a
 * destination nothing came back from. name: what the user called it, or the relay's description.
 */
function peerSubtitle(seen: PeerSeen | undefined, name: string | undefined, relay: boolean): string {
  if (relay && name !== undefined) return `this shell's ${name}`;
  const called = name === undefined ? '' : ` (${name})`;
  if (seen === undefined || seen.answered) return `outside this shell${called}`;
  if (seen.refused !== null) return `${seen.refused}${called}`;
  return `a destination: nothing came back${called}`;
}
