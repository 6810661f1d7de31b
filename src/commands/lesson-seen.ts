import type { EngineEvent } from '../engine/types.js';

/**
 * Steps checked by what the engine saw, not by what was typed: in two terminals the other program's
 * calls are typed elsewhere, and what reaches this terminal is the engine's events (a client's
 * handshake on the welcoming socket, a datagram in the queue). A lesson file writes one as
 * `seen: KIND SOCKET [N]`, SOCKET being the label the student gave the socket (serverSocket).
 */

export type SeenKind = 'incoming' | 'received' | 'accepted' | 'eof';

/** What each kind means, for lessons/README.md and for errors in a lesson file. */
export const SEEN_KINDS: Readonly<Record<SeenKind, string>> = {
  incoming: "N clients' handshakes have completed on the welcoming socket SOCKET (waiting for accept or accepted)",
  received: 'N datagrams (UDP) or pieces of data (TCP) have reached SOCKET',
  accepted: 'SOCKET has N connection sockets it accepted open at once (a second client while the first is served)',
  eof: "SOCKET's peer has closed its end (FIN or reset)",
};

export interface Seen {
  readonly kind: SeenKind;
  readonly socket: string;
  readonly count: number;
}

/** `accepted serverSocket 2`; a string says what is wrong. */
export function parseSeen(text: string): Seen | string {
  const [kind, socket, count, ...extra] = text.trim().split(/\s+/);
  if (kind === undefined || !Object.hasOwn(SEEN_KINDS, kind) || socket === undefined || extra.length > 0)
    return `seen is KIND SOCKET [N], KIND one of ${Object.keys(SEEN_KINDS).join(', ')}; got '${text}'`;
  const n = count === undefined ? 1 : /^[1-9]\d{0,2}$/.test(count) ? Number(count) : NaN;
  if (Number.isNaN(n)) return `seen: N is a count from 1, got '${String(count)}'`;
  return { kind: kind as SeenKind, socket, count: n };
}

/**
 * What the engine has done since the lesson began, counted by socket label: enough to answer every
 * Seen. Labels, not serials, because the lesson file can only name sockets as the student does.
 */
export class Evidence {
  private readonly counts = new Map<string, number>();
  /** Connection sockets each welcoming socket (by label) accepted that are still open, by serial. */
  private readonly open = new Map<string, Set<number>>();

  hear(event: EngineEvent): void {
    switch (event.kind) {
      case 'incoming':
      case 'received':
      case 'eof':
        this.bump(event.kind, event.socket);
        return;
      case 'accepted': {
        const set = this.open.get(event.socket) ?? new Set<number>();
        this.open.set(event.socket, set.add(event.conn));
        return;
      }
      case 'closed':
        for (const set of this.open.values()) set.delete(event.serial);
        return;
      default:
        return;
    }
  }

  met(seen: Seen): boolean {
    switch (seen.kind) {
      case 'incoming':
      case 'received':
      case 'eof':
        return (this.counts.get(`${seen.kind} ${seen.socket}`) ?? 0) >= seen.count;
      case 'accepted':
        return (this.open.get(seen.socket)?.size ?? 0) >= seen.count;
      default: {
        const exhaustive: never = seen.kind;
        return exhaustive;
      }
    }
  }

  private bump(kind: SeenKind, socket: string): void {
    const key = `${kind} ${socket}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
