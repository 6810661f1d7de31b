/**
 * The welcoming side of TCP. Node cannot bind without listening, so bind probes the address (listen,
 * then close at once: EADDRINUSE, EACCES, EADDRNOTAVAIL and the port chosen for 0 come out right), and
 * listen really listens on exactly that address. Node accepts eagerly, so completed handshakes wait,
 * paused (their data stays in the kernel), in an accept queue until accept takes one.
 * The queue is bounded: see accept-cap.ts. On the native fast path a waiting accept takes the
 * connection itself, with accept4 in the addon, and no Node socket is made for it (tcp-end.ts).
 */
import net, { type AddressInfo } from 'node:net';
import { acceptQueueCap } from './accept-cap.js';
import type { Accepted, BaseSocket } from './base.js';
import { errorCode, toSocketError, type ErrorContext } from './errors.js';
import { tcpHolders } from './port-holders.js';
import { ADDRESS_BYTES, READY, SLICE_MS, addressOf, type Blocking } from './native.js';
import { Fifo } from './queues.js';
import type { Address } from './types.js';

/** Checks that host:port can be bound, and returns the port (the one the OS picked, for port 0). */
export async function probeAddress(host: string, port: number, context: ErrorContext): Promise<number> {
  const server = net.createServer();
  try {
    await listenOn(server, host, port, undefined);
    return (server.address() as AddressInfo).port;
  } catch (err) {
    throw toSocketError(err, 'bind', { ...context, host, port, ...timeWaitOnly(err, port) });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** For EADDRINUSE on a port that only TIME_WAIT connections hold (Linux): how long they have left. */
export function timeWaitOnly(err: unknown, port: number): { timeWait?: number } {
  if (port === 0 || errorCode(err) !== 'EADDRINUSE') return {};
  const holders = tcpHolders(port);
  if (holders === null || holders.timeWait === 0 || holders.other > 0) return {};
  return { timeWait: Math.max(1, Math.ceil(holders.lastEndsInMs / 1000)) };
}

/** The peer of the connection the addon just accepted. */
const peerBytes = Buffer.alloc(ADDRESS_BYTES);

export class Listener {
  readonly local: Address;
  private readonly pending = new Fifo<Accepted>();
  /** Connections reset because the accept queue was full. */
  dropped = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly owner: BaseSocket,
    private readonly server: net.Server,
    local: Address,
    private readonly cap: number,
  ) {
    this.local = local;
  }

  /** Listens on host:port with the backlog; rejects with the bind error if the address is taken. */
  static async open(owner: BaseSocket, host: string, port: number, backlog: number): Promise<Listener> {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const early: net.Socket[] = [];
    const keep = (raw: net.Socket): void => {
      early.push(raw);
    };
    server.on('connection', keep);
    try {
      // Linux takes listen(0) as a queue of one; Node would turn 0 into its default of 511.
      await listenOn(server, host, port, Math.max(1, backlog));
    } catch (err) {
      server.close();
      throw toSocketError(err, 'listen', { socket: owner.name, family: owner.family, transport: 'tcp', host, port });
    }
    const a = server.address() as AddressInfo;
    const listener = new Listener(owner, server, { host: a.address, port: a.port, family: owner.family }, acceptQueueCap(backlog));
    server.removeListener('connection', keep);
    server.on('connection', listener.onConnection);
    server.on('error', listener.onError);
    for (const raw of early) listener.onConnection(raw);
    return listener;
  }

  /** The listening descriptor (Node's handle has it on Unix, undocumented), or -1. */
  fd(): number {
    const fd = (this.server as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : -1;
  }

  /** Connections waiting for accept. */
  get waiting(): number {
    return this.pending.length;
  }

  /** The oldest connection waiting for accept, or undefined. */
  take(): Accepted | undefined {
    return this.pending.shift();
  }

  /** Stops listening and resets connections nobody accepted. Resolves when the server has closed. */
  close(): Promise<void> {
    if (this.closing === null) {
      for (const a of this.pending.drain()) discard(a, false);
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
      });
    }
    return this.closing;
  }

  /**
   * The native fast path of a waiting accept: waits in the addon until a connection is there and takes
   * it (accept4), for one slice at most and while nothing else needs the event loop; then the wait
   * goes on there, with Node accepting. Connections Node accepted already are taken first.
   */
  waitInAddon(blocking: Blocking): void {
    const fd = (this.server as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return;
    const calls = blocking.calls;
    while (this.owner.reader.waiting && this.pending.length === 0 && this.closing === null) {
      if (calls.wait(fd, 0, SLICE_MS) !== READY) return;
      const conn = calls.accept(fd, peerBytes);
      // EAGAIN (the client gave up meanwhile), or a failure Node's own accept meets again and tells.
      if (conn < 0) return;
      this.enqueue({ raw: { fd: conn, calls }, from: { ...addressOf(peerBytes), family: this.owner.family }, failCode: null });
    }
  }

  private readonly onConnection = (raw: net.Socket): void => {
    const from: Address = { host: raw.remoteAddress ?? '', port: raw.remotePort ?? 0, family: this.owner.family };
    const accepted: Accepted = { raw, from, failCode: null };
    raw.on('error', (err: Error) => {
      accepted.failCode ??= errorCode(err);
    });
    this.enqueue(accepted);
  };

  /** A completed handshake joins the accept queue, or is reset when the queue is full. */
  private enqueue(accepted: Accepted): void {
    const from = accepted.from;
    if (this.owner.closed || this.closing !== null) {
      discard(accepted, false);
      return;
    }
    if (this.pending.length >= this.cap) {
      // The queue is full: accept-cap.ts says why this resets.
      discard(accepted, true);
      this.dropped++;
      this.owner.core.emit({
        kind: 'dropped',
        serial: this.owner.serial,
        socket: this.owner.name,
        unit: 'connections',
        bytes: 0,
        total: this.dropped,
      });
      return;
    }
    this.pending.push(accepted);
    const taken = this.owner.reader.waiting;
    this.owner.core.emit({
      kind: 'incoming',
      serial: this.owner.serial,
      socket: this.owner.name,
      from,
      pending: this.pending.length,
      taken,
    });
    if (taken) this.owner.reader.wake();
  }

  private readonly onError = (err: Error): void => {
    // A listening server only fails on accept (EMFILE...); keep listening and say so.
    if (!this.owner.closed)
      this.owner.core.emit({ kind: 'failed', serial: this.owner.serial, socket: this.owner.name, code: errorCode(err), taken: false });
  };
}

/** Closes a connection nobody will accept: reset sends RST. */
function discard(accepted: Accepted, reset: boolean): void {
  const raw = accepted.raw;
  if (raw instanceof net.Socket) {
    if (reset) raw.resetAndDestroy();
    else raw.destroy();
  } else raw.calls.close(raw.fd, reset ? 1 : 0);
}

function listenOn(server: net.Server, host: string, port: number, backlog: number | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.removeListener('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, backlog });
  });
}
