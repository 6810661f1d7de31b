/**
 * Where a TCP socket's send calls ended in its byte stream, so that a socket of this shell reading the
 * other end can say how many sends one recv returned together: the sends are the sender's record,
 * which a read cannot see (a read off the connection is one piece whatever segments and sends made
 * it: bytes that waited in the kernel, sent before accept, come off as one). Kept for the last
 * LIMIT sends (a few kB at most per connection); older reads are not told of.
 */
import type { BaseSocket } from './base.js';
import type { Address } from './types.js';

const LIMIT = 256;

export class SendEnds {
  /** Offsets in the stream after each send, ascending (the oldest ones dropped past LIMIT). */
  private readonly ends: number[] = [];
  /** The stream offset up to which sends are known: where the oldest end kept began. */
  private knownFrom = 0;
  /** Bytes of every send told: the socket's bytesSent unless something wrote without telling (then nothing is said). */
  total = 0;

  /** A send call handed bytes to the OS. */
  sent(bytes: number): void {
    if (bytes <= 0) return;
    this.total += bytes;
    this.ends.push(this.total);
    if (this.ends.length > LIMIT) this.knownFrom = this.ends.shift()!;
  }

  /** How many sends the stream's bytes [start, end) came from; null when they are not all known. */
  sendsIn(start: number, end: number): number | null {
    if (start < this.knownFrom || end > this.total || end <= start) return null;
    let count = 1; // the send that holds the last byte
    for (const e of this.ends) if (e > start && e < end) count++;
    return count;
  }
}

/** What one read returned of a peer socket of this shell's sends: how many, and whose. */
export interface SendsRead {
  readonly count: number;
  readonly sender: string;
}

/**
 * The socket of this shell at the other end of the connection from local to remote, found once per
 * connection (PeerSends caches it): its local address is remote (cheap to ask of every open socket:
 * each keeps its own), and only then is this end's local address asked (getsockname) and compared.
 */
export class PeerSends {
  private peer: BaseSocket | null | undefined = undefined;

  constructor(private readonly owner: BaseSocket) {}

  /**
   * The sends of the peer socket the bytes [end - n, end) of this connection came from; null: the peer
   * is not a socket of this shell, or its sends that far back are not known.
   */
  read(n: number, end: number, remote: Address | null, local: () => Address): SendsRead | null {
    // A peer whose address is not known (Accepted.from) is not found: none of this shell's sockets is known to be it.
    if (this.peer === undefined) this.peer = remote === null ? null : this.find(remote, local);
    const ends = this.peer?.sendEnds ?? null;
    // Every byte the peer wrote must be a send it told of (a sendall under way, a bulk path: not yet, or not), else offsets would not line up.
    if (ends === null || ends.total !== this.peer!.bytesSent) return null;
    const count = ends.sendsIn(end - n, end);
    return count === null ? null : { count, sender: this.peer!.name };
  }

  private find(remote: Address, local: () => Address): BaseSocket | null {
    for (const s of this.owner.core.open()) {
      if (s === this.owner || s.transport !== 'tcp') continue;
      const theirs = s.local();
      if (theirs === null || theirs.host !== remote.host || theirs.port !== remote.port) continue;
      const mine = local();
      const back = s.peer();
      if (back !== null && back.host === mine.host && back.port === mine.port) return s;
    }
    return null;
  }
}
