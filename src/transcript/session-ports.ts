import type { EngineEvent } from '../engine/types.js';
import type { Address, Transport } from '../engine/types.js';
import { ephemeralRange } from './ports.js';

/**
 * The ports a session's own sockets used, from its engine events. For grading a client: whether
 * anything at all (a datagram, a connection or a TLS client's attempt, bytes on a connection
 * accepted there) reached a port the session bound; a transcript that heard nothing on the port the
 * client was given shows the client went somewhere else (user trial 5, finding N). For recording:
 * the one fixed port the session talked to, the transcript's `port:`.
 */
export class SessionPorts {
  private readonly portOf = new Map<number, number>();
  private readonly reached = new Map<number, boolean>();
  private readonly fixed = new Set<number>();
  private readonly spokeTo = new Map<number, Set<Transport>>();
  private readonly addressed = new Map<number, Set<string>>();
  private readonly servedOn = new Map<number, Set<Transport>>();
  private readonly range = ephemeralRange();

  observe(event: EngineEvent): void {
    switch (event.kind) {
      case 'bound':
        if (!event.implicit) this.talked(event.address.port);
        // A TCP socket serves a port once it listens; bound alone, it takes no connection.
        if (event.transport === 'udp') this.add(this.servedOn, event.address.port, 'udp');
        return this.own(event.serial, event.address.port);
      case 'listening':
        this.talked(event.local.port);
        this.add(this.servedOn, event.local.port, 'tcp');
        return this.own(event.serial, event.local.port);
      case 'accepted':
        this.own(event.conn, event.local.port);
        return this.reach(event.conn);
      case 'connected':
      case 'connectFailed':
        this.spoke(event.remote, event.transport);
        return this.talked(event.remote.port);
      case 'sent':
        if (event.to) this.spoke(event.to, event.transport);
        return event.to ? this.talked(event.to.port) : undefined;
      case 'incoming':
      case 'received':
      case 'rejected':
      case 'dropped':
        return this.reach(event.serial);
      case 'eof':
      case 'paused':
      case 'truncated':
      case 'joined':
      case 'failed':
      case 'closed':
      case 'renamed':
      case 'returned':
      case 'shut':
        return;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  }

  /** Whether anything reached `port` on a socket of this session; null when none of them bound it. */
  heard(port: number): boolean | null {
    return this.reached.get(port) ?? null;
  }

  /**
   * How the session's sockets reached out to `port`: UDP (a datagram sent there, or a UDP connect) and
   * TCP (a connect, made or refused); empty when none did. What a server under test on that port must
   * be: a program that bound the other kind is told so (feedback-transport.ts).
   */
  spokeAs(port: number): ReadonlySet<Transport> {
    return this.spokeTo.get(port) ?? new Set();
  }

  /**
   * The addresses the session's sockets sent to or connected to on `port` (127.0.0.1, ::1), as the OS
   * was given them; empty when none did. Which family reached out to a server under test: an IPv6-only
   * server is out of an IPv4 socket's reach (family-words.ts).
   */
  spokeAt(port: number): ReadonlySet<string> {
    return this.addressed.get(port) ?? new Set();
  }

  /**
   * How the session's own sockets served `port`: a UDP socket bound to it, a TCP socket listening on
   * it; empty when none did. What a client under test sent to it must match: a TCP client graded as
   * the UDP one is refused there (transport-words.ts).
   */
  servedAs(port: number): ReadonlySet<Transport> {
    return this.servedOn.get(port) ?? new Set();
  }

  /**
   * The one port the session bound, listened on, connected or sent to, leaving out those the OS picked
   * (its ephemeral range, which the recorder writes as [PORTn]); null for none, or several (which one
   * {port} should stand for is not known).
   */
  fixedPort(): number | null {
    return this.fixed.size === 1 ? [...this.fixed][0]! : null;
  }

  private own(serial: number, port: number): void {
    this.portOf.set(serial, port);
    if (!this.reached.has(port)) this.reached.set(port, false);
  }

  private reach(serial: number): void {
    const port = this.portOf.get(serial);
    if (port !== undefined) this.reached.set(port, true);
  }

  private spoke(to: Address, transport: Transport): void {
    this.add(this.spokeTo, to.port, transport);
    if (to.family === 4 || to.family === 6) this.addressed.set(to.port, (this.addressed.get(to.port) ?? new Set()).add(to.host));
  }

  private add(map: Map<number, Set<Transport>>, port: number, transport: Transport): void {
    const set = map.get(port) ?? new Set<Transport>();
    set.add(transport);
    map.set(port, set);
  }

  private talked(port: number): void {
    const [low, high] = this.range;
    // A UDP connect's peer and a Unix socket have no port (0).
    if (port > 0 && (port < low || port > high)) this.fixed.add(port);
  }
}
