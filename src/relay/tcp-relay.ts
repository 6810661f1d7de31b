/**
 * The TCP relay: each client accepted is connected on to the target, and bytes are pumped both ways
 * (pace.ts), a FIN passed on after the bytes before it and a reset passed on as a reset. Half-open
 * connections stay open, as a TCP proxy must let them.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Address } from '../engine/types.js';
import { familyOf, nodeAddress, relayError, resolved } from './endpoints.js';
import { counter, type Counter } from './fate.js';
import { Pump, type Passed } from './pump.js';
import type { Direction, HolderOf, Relay, RelayCounts, RelaySink, RelaySpec } from './types.js';

type TcpSpec = Extract<RelaySpec, { transport: 'tcp' }>;

class TcpRelay implements Relay {
  readonly transport = 'tcp' as const;
  private readonly up: Counter = counter();
  private readonly down: Counter = counter();
  /** Every socket of a live connection, both ends, so close() can end them. */
  private readonly sockets = new Set<Socket>();
  private readonly pumps = new Set<Pump>();
  private clients = 0;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly spec: TcpSpec,
    private readonly sink: RelaySink,
    private readonly server: Server,
    readonly local: Address,
    readonly target: Address,
  ) {
    server.on('connection', (client) => this.accepted(client));
    server.on('error', () => this.failures++);
  }

  emit(...[event]: Parameters<RelaySink>): void {
    try {
      this.sink(event);
    } catch {
      // A throwing sink is its owner's bug; it must not break the relay's socket handlers.
    }
  }

  counts(): RelayCounts {
    return { up: { ...this.up }, down: { ...this.down }, clients: this.clients, failures: this.failures };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pumps) p.stop();
    const released = [...this.sockets].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()).destroy()));
    const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([listening, ...released]);
  }

  private accepted(client: Socket): void {
    if (this.closed) return void client.destroy();
    client.pause();
    client.on('error', () => undefined); // a reset before the target answers: 'close' below
    this.track(client);
    const from = nodeAddress({ address: client.remoteAddress ?? '', port: client.remotePort ?? 0, family: client.remoteFamily ?? 4 });
    const upstream = connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    this.track(upstream);
    let connected = false;
    client.once('close', () => {
      if (!connected) upstream.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      this.clients++;
      this.emit({
        kind: 'client',
        client: from,
        via: nodeAddress(upstream.address() as { address: string; port: number; family: string }),
      });
      const { delayMs, rate } = this.spec.impair;
      const ends = { up: false, down: false, reset: false, told: false };
      // Once: a reset ends both directions, and each pump reports its end.
      const done = (): void => {
        if ((!(ends.up && ends.down) && !ends.reset) || ends.told) return;
        ends.told = true;
        this.pumps.delete(up);
        this.pumps.delete(down);
        this.emit({ kind: 'ended', client: from, up: up.moved, down: down.moved, reset: ends.reset });
      };
      // What crossed, for a traffic log: each piece as it was written on, and each end as it was passed on.
      const target = this.target;
      const tell =
        (direction: Direction) =>
        (what: Passed): void =>
          this.emit(
            what.kind === 'data'
              ? {
                  kind: 'data',
                  transport: 'tcp',
                  direction,
                  client: from,
                  target,
                  data: what.data,
                  fate: { kind: 'sent', lateMs: what.lateMs, copy: 1, reordered: false },
                }
              : { kind: 'passed', direction, how: what.how, client: from, target },
          );
      /** One direction's pump: its end marks the direction ended (a reset, both), its passing is told. */
      const pump = (direction: Direction, src: Socket, dst: Socket): Pump =>
        new Pump(
          src,
          dst,
          direction === 'up' ? this.up : this.down,
          delayMs,
          rate,
          (how) => {
            if (how === 'reset') ends.reset = true;
            ends[direction] = true;
            done();
          },
          tell(direction),
        );
      const up = pump('up', client, upstream);
      const down = pump('down', upstream, client);
      this.pumps.add(up);
      this.pumps.add(down);
      client.resume();
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (connected) return; // the pump reports it
      this.failures++;
      this.emit({ kind: 'failed', client: from, code: err.code ?? 'EIO', direction: 'up' });
      client.resetAndDestroy(); // the client learns as a proxy's client does: its connection is reset
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

/** Starts a TCP relay: resolves both ends and listens (errors as SocketErrors). */
export async function startTcpRelay(spec: TcpSpec, sink: RelaySink, holderOf?: HolderOf): Promise<Relay> {
  const target = await resolved(spec.target);
  const wanted = await resolved(spec.listen);
  const server = createServer({ allowHalfOpen: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: wanted.port, host: wanted.host, ipv6Only: familyOf(wanted.host) === 6 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server.close();
    throw relayError(err, wanted, 'tcp', holderOf);
  }
  const relay = new TcpRelay(
    spec,
    sink,
    server,
    nodeAddress(server.address() as { address: string; port: number; family: string }),
    target,
  );
  relay.emit({ kind: 'ready', transport: 'tcp', local: relay.local, target });
  return relay;
}
