import type { EngineEvent } from '../engine/types.js';

/**
 * Steps checked by what the engine saw, not by what was typed: in two terminals the other program's
 * calls are typed elsewhere, and what reaches this terminal is the engine's events (a client's
 * handshake on the welcoming socket, a datagram in the queue). A lesson file writes one as
 * `seen: KIND SOCKET [N]`, SOCKET being the socket's role as the lesson names it (serverSocket).
 */

export type SeenKind = 'incoming' | 'received' | 'accepted' | 'eof';

/** What each kind means, for lessons/README.md and for errors in a lesson file. */
export const SEEN_KINDS: Readonly<Record<SeenKind, string>> = {
  incoming: "N clients' handshakes have completed on the welcoming socket SOCKET since the step began (waiting for accept or accepted)",
  received: 'N datagrams (UDP) or pieces of data (TCP) have reached SOCKET since the step began',
  accepted: 'SOCKET has N connection sockets it accepted open at once (a second client while the first is served)',
  eof: "SOCKET's peer has closed its end (FIN or reset) since the step began",
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
 * What the engine has done since the lesson began, counted by socket serial: enough to answer every
 * Seen. The lesson file names the socket by its role (serverSocket); the lesson asks about the
 * socket the student made in that role (lesson-roles.ts), whatever its label.
 */
export class Evidence {
  private readonly counts = new Map<string, number>();
  /** The counts when the current step began: a step counts what happened since (a lesson resumed, or left and come back to, starts afresh). */
  private base = new Map<string, number>();
  /** Connection sockets each welcoming socket (by serial) accepted that are still open, by serial. */
  private readonly open = new Map<number, Set<number>>();
  /** Connection sockets each welcoming socket accepted, open or closed since. */
  private readonly everAccepted = new Map<number, number>();

  hear(event: EngineEvent): void {
    switch (event.kind) {
      case 'incoming':
      case 'received':
      case 'eof':
        this.bump(event.kind, event.serial);
        return;
      case 'accepted': {
        const set = this.open.get(event.serial) ?? new Set<number>();
        this.open.set(event.serial, set.add(event.conn));
        this.everAccepted.set(event.serial, (this.everAccepted.get(event.serial) ?? 0) + 1);
        return;
      }
      case 'closed':
        for (const set of this.open.values()) set.delete(event.serial);
        return;
      default:
        return;
    }
  }

  /** A new step begins: counted kinds count from here. */
  mark(): void {
    this.base = new Map(this.counts);
  }

  /** serial: the socket in the seen's role now (undefined: none yet, and nothing is seen). */
  met(seen: Seen, serial: number | undefined): boolean {
    if (serial === undefined) return false;
    switch (seen.kind) {
      case 'incoming':
      case 'received':
      case 'eof':
        return this.since(`${seen.kind} ${serial}`) >= seen.count;
      case 'accepted':
        return (this.open.get(serial)?.size ?? 0) >= seen.count;
      default: {
        const exhaustive: never = seen.kind;
        return exhaustive;
      }
    }
  }

  /** How far the step is, in words, for a command typed while it is not done yet. */
  progress(seen: Seen, serial: number | undefined): string {
    const { kind, socket, count } = seen;
    switch (kind) {
      case 'incoming':
      case 'received':
      case 'eof': {
        const n = serial === undefined ? 0 : this.since(`${kind} ${serial}`);
        const [one, many] = {
          incoming: ['completed handshake', 'completed handshakes'],
          received: ['arrival', 'arrivals'],
          eof: ['end of its connection', 'ends of its connections'],
        }[kind];
        return `${socket} has seen ${n} ${n === 1 ? one : many} since this step began; it waits for ${count}`;
      }
      case 'accepted': {
        const open = serial === undefined ? 0 : (this.open.get(serial)?.size ?? 0);
        const ever = serial === undefined ? 0 : (this.everAccepted.get(serial) ?? 0);
        const closed =
          ever > open
            ? `; a connection socket closed before the next accept does not count: connect another client and accept it while ${open === 1 ? 'the open one stays' : open > 1 ? 'the others stay' : 'another is'} open`
            : '';
        return `${socket} has ${open} accepted connection${open === 1 ? '' : 's'} open, and this step needs ${count} open at once${closed}`;
      }
      default: {
        const exhaustive: never = kind;
        return exhaustive;
      }
    }
  }

  private since(key: string): number {
    return (this.counts.get(key) ?? 0) - (this.base.get(key) ?? 0);
  }

  private bump(kind: SeenKind, serial: number): void {
    const key = `${kind} ${serial}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
