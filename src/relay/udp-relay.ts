/**
 * The UDP relay: one socket listens for clients; each client address gets a socket of its own,
 * connected to the target, as a NAT gives each inside address its own outside port, so the target's
 * replies go back to the client that caused them. Every datagram meets its fate (fate.ts) from a
 * seeded generator per direction.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Address } from '../engine/types.js';
import { familyOf, keyOf, nodeAddress, relayError, resolved } from './endpoints.js';
import { counter, fate, type Counter } from './fate.js';
import { derived, type Random } from './prng.js';
import type { DataFate, Direction, HolderOf, Relay, RelayCounts, RelayEvent, RelaySink, RelaySpec } from './types.js';

/** A datagram held back for --reorder goes right after the next one, or after this long if none comes. */
export const HOLD_MS = 200;
/** Clients remembered at once; past it the one silent longest loses its socket (a NAT forgets the same way). */
export const MAX_CLIENTS = 256;

type UdpSpec = Extract<RelaySpec, { transport: 'udp' }>;

interface Client {
  readonly address: Address;
  readonly socket: Socket;
  /** Datagrams that came before the socket to the target was connected. */
  waiting: Buffer[] | null;
  /** What the relay said of its datagrams meanwhile: told after the 'client' event, which needs the socket's address (trial 4: "lost datagram #1 … from X" came before "new client X"). */
  readonly told: RelayEvent[];
}

/** Sends one direction's datagrams, each after its fate: one per direction, shared by every client. */
class Lane {
  readonly counts: Counter = counter();
  private readonly random: Random;
  private held: { readonly send: () => void; readonly timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly relay: UdpRelay,
    readonly direction: Direction,
    seed: number,
  ) {
    this.random = derived(seed, direction === 'up' ? 0 : 1);
  }

  /**
   * A datagram from `from` to the relay's address `at`; send puts one copy on its way. log tells the
   * traffic log what became of it, when it did: each copy as it is sent, or its loss.
   */
  pass(data: Buffer, from: Address, at: Address, send: (data: Buffer) => void, log: (fate: DataFate) => void): void {
    const c = this.counts;
    const n = ++c.arrived;
    c.bytes += data.length;
    const arrived = performance.now();
    const f = fate(this.random, this.relay.spec.impair);
    if (f.lost) {
      c.lost++;
      this.relay.emit({ kind: 'lost', direction: this.direction, n, from, at, bytes: data.length, data });
      log({ kind: 'lost' });
      return;
    }
    let reordered = false;
    const go = (): void => {
      const lateMs = f.delayMs === 0 && !reordered ? null : Math.round(performance.now() - arrived);
      for (let i = 0; i < f.copies; i++) {
        c.forwarded++;
        send(data);
        log({ kind: 'sent', lateMs, copy: i === 0 ? 1 : 2, reordered });
      }
    };
    if (f.copies === 2) {
      c.duplicated++;
      this.relay.emit({ kind: 'duplicated', direction: this.direction, n, bytes: data.length });
    }
    if (f.held && this.held === null) {
      reordered = true;
      c.reordered++;
      this.relay.emit({ kind: 'reordered', direction: this.direction, n, bytes: data.length });
      const timer = this.relay.after(HOLD_MS, () => this.release());
      this.held = { send: go, timer };
      return;
    }
    const sendAndRelease = (): void => {
      go();
      this.release();
    };
    if (f.delayMs === 0) return sendAndRelease();
    c.delayed++;
    this.relay.after(f.delayMs, sendAndRelease);
  }

  /** The held datagram goes now (after the one that overtook it). */
  private release(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    this.relay.cancel(held.timer);
    held.send();
  }
}

class UdpRelay implements Relay {
  readonly transport = 'udp' as const;
  private readonly clients = new Map<string, Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly up: Lane;
  private readonly down: Lane;
  private clientCount = 0;
  private failures = 0;
  private closed = false;
  /** A new client's events go here until its 'client' event is told (see Client.told). */
  private holding: RelayEvent[] | null = null;

  constructor(
    readonly spec: UdpSpec,
    private readonly sink: RelaySink,
    private readonly listener: Socket,
    readonly local: Address,
    readonly target: Address,
  ) {
    this.up = new Lane(this, 'up', spec.seed);
    this.down = new Lane(this, 'down', spec.seed);
    listener.on('message', (data, rinfo) => this.fromClient(data, nodeAddress(rinfo)));
    listener.on('error', () => this.failures++);
  }

  emit(...[event]: Parameters<RelaySink>): void {
    if (this.holding !== null) {
      this.holding.push(event);
      return;
    }
    try {
      this.sink(event);
    } catch {
      // A throwing sink is its owner's bug; it must not break the relay's socket handlers.
    }
  }

  /** A timer the relay owns: close() cancels it. */
  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  counts(): RelayCounts {
    return { up: { ...this.up.counts }, down: { ...this.down.counts }, clients: this.clientCount, failures: this.failures };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const sockets = [this.listener, ...[...this.clients.values()].map((c) => c.socket)];
    this.clients.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private fromClient(data: Buffer, from: Address): void {
    if (this.closed) return;
    const client = this.clientFor(from);
    this.holding = client.waiting === null ? null : client.told;
    try {
      this.up.pass(
        data,
        from,
        this.local,
        (d) => {
          if (client.waiting !== null) client.waiting.push(d);
          else this.sendUp(client, d);
        },
        (f) => this.logData('up', from, data, f),
      );
    } finally {
      this.holding = null;
    }
  }

  /** What became of a datagram, for the traffic log (RelayEvent 'data'). */
  private logData(direction: Direction, client: Address, data: Buffer, fate: DataFate): void {
    this.emit({ kind: 'data', transport: 'udp', direction, client, target: this.target, data, fate });
  }

  private sendUp(client: Client, data: Buffer): void {
    if (this.closed) return;
    client.socket.send(data, (err) => {
      if (err) this.failed(client, err, 'up');
    });
  }

  /** The client's own socket to the target, made on its first datagram; the least recently heard is let go past MAX_CLIENTS. */
  private clientFor(address: Address): Client {
    const key = keyOf(address);
    const known = this.clients.get(key);
    if (known !== undefined) {
      this.clients.delete(key); // to the end: the map's order is least recently heard first
      this.clients.set(key, known);
      return known;
    }
    if (this.clients.size >= MAX_CLIENTS) {
      const [oldKey, old] = this.clients.entries().next().value!;
      this.clients.delete(oldKey);
      old.socket.close();
    }
    const socket = createSocket(this.target.family === 6 ? 'udp6' : 'udp4');
    const client: Client = { address, socket, waiting: [], told: [] };
    this.clients.set(key, client);
    this.clientCount++;
    socket.on('error', (err) => this.failed(client, err, 'up'));
    socket.on('message', (data, rinfo) => {
      if (this.closed) return;
      this.down.pass(
        data,
        nodeAddress(rinfo),
        nodeAddress(socket.address()),
        (d) =>
          this.listener.send(d, client.address.port, client.address.host, (err) => {
            if (err) this.failed(client, err, 'down');
          }),
        (f) => this.logData('down', client.address, data, f),
      );
    });
    socket.connect(this.target.port, this.target.host, () => {
      const waiting = client.waiting ?? [];
      client.waiting = null;
      if (this.closed) return;
      this.emit({ kind: 'client', client: address, via: nodeAddress(socket.address()) });
      for (const e of client.told.splice(0)) this.emit(e);
      for (const d of waiting) this.sendUp(client, d);
    });
    return client;
  }

  /** ECONNREFUSED here is the target's ICMP port unreachable, reported on the client's connected socket. */
  private failed(client: Client, err: Error, direction: Direction): void {
    this.failures++;
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    this.emit({ kind: 'failed', client: client.address, code, direction });
  }
}

/** Starts a UDP relay: resolves both ends, binds the listening socket (errors as SocketErrors). */
export async function startUdpRelay(spec: UdpSpec, sink: RelaySink, holderOf?: HolderOf): Promise<Relay> {
  const target = await resolved(spec.target);
  const wanted = await resolved(spec.listen);
  const listener = createSocket(familyOf(wanted.host) === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.bind(wanted.port, wanted.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    try {
      listener.close();
    } catch {
      // never bound: nothing to release
    }
    throw relayError(err, wanted, 'udp', holderOf);
  }
  const relay = new UdpRelay(spec, sink, listener, nodeAddress(listener.address()), target);
  relay.emit({ kind: 'ready', transport: 'udp', local: relay.local, target });
  return relay;
}
