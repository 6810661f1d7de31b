/**
 * The welcoming side of TCP over Node's net.Server: a TLS listener, an AF_UNIX one, and every TCP
 * listener of a build without the native addon (with it, kernel-listener.ts listens on the engine's own
 * descriptor). Node cannot bind without listening, so without the addon bind probes the address
 * (listen, then close at once: EADDRINUSE, EACCES, EADDRNOTAVAIL and the port chosen for 0 come out
 * right) and the port is the shell's only on paper until listen; with it, a bound descriptor is handed
 * to Node's server. Node accepts eagerly, so completed handshakes wait, paused (their data stays in the
 * kernel), in an accept queue until accept takes one. The queue is bounded: see accept-cap.ts. On the
 * native fast path a waiting accept takes the connection itself, with accept4 in the addon, and no
 * Node socket is made for it (tcp-end.ts).
 */
import net, { type AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { tlsIfLoaded, tlsModule } from './tls-module.js';
import { acceptQueueCap } from './accept-cap.js';
import type { Accepted, BaseSocket } from './base.js';
import { errorCode, toSocketError, type ErrorContext } from './errors.js';
import { tcpHolders } from './port-holders.js';
import { ADDRESS_BYTES, EAGAIN, SLICE_MS, addressOf, type Blocking } from './native.js';
import { checkPathFree } from './unix-path.js';
import { canReset } from './stream-handle.js';
import { Fifo } from './queues.js';
import { handshakeFailure } from './tls-reasons.js';
import type { Address, Family, TlsSetup } from './types.js';

/** Checks that host:port can be bound, and returns the port (the one the OS picked, for port 0). */
export async function probeAddress(host: string, port: number, context: ErrorContext): Promise<number> {
  if (context.family === 'unix') return checkPathFree(host, context).then(() => 0);
  const server = net.createServer();
  try {
    await listenOn(server, { host, port }, undefined);
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

/** What a TCP socket holds of its welcoming side: this file's Listener or kernel-listener.ts's. */
export interface Welcoming {
  readonly local: Address;
  /** Connections reset because the accept queue was full. */
  readonly dropped: number;
  /** Connections waiting for accept. */
  readonly waiting: number;
  /** Whether closing resets the connections waiting for accept. */
  readonly resetsWaiting: boolean;
  /** The oldest connection waiting for accept, or undefined. */
  take(): Accepted | undefined;
  /** The listening descriptor, or -1. */
  fd(): number;
  /** A waiting accept in the addon: 'again' when nothing came within the wait. */
  waitInAddon(blocking: Blocking): 'again' | 'done';
  /** Stops listening and resets connections nobody accepted. */
  close(): Promise<void>;
}

export class Listener implements Welcoming {
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

  /**
   * Listens on host:port with the backlog; rejects with the bind error if the address is taken. With
   * a server TlsSetup, each connection does its TLS handshake at once (the accept queue holds
   * connections whose handshake is done) and waits, not read further, until accept takes it.
   */
  static async open(owner: BaseSocket, host: string, port: number, backlog: number, setup: TlsSetup | null, fd = -1): Promise<Listener> {
    // TLS: not half-open until the handshake is done. A client that closes during it (one that refused
    // our certificate closes so: Node's TLS client sends no alert) left a half-open socket that would
    // never finish its handshake, was never said to have failed, and kept server.close from ending.
    const server =
      setup?.role === 'server'
        ? tlsModule().createServer({ allowHalfOpen: false, cert: setup.cert, key: setup.key }).on('secureConnection', halfOpen)
        : net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const arrival = isTlsServer(server) ? 'secureConnection' : 'connection';
    const early: net.Socket[] = [];
    const keep = (raw: net.Socket): void => {
      early.push(raw);
    };
    server.on(arrival, keep);
    try {
      // Linux takes listen(0) as a queue of one; Node would turn 0 into its default of 511.
      // fd: a descriptor bound already (kernel-bind.ts), which the server takes over.
      const where = fd >= 0 ? { fd } : owner.family === 'unix' ? { path: host } : { host, port };
      await listenOn(server, where, Math.max(1, backlog));
    } catch (err) {
      server.close();
      throw toSocketError(err, 'listen', { socket: owner.name, family: owner.family, transport: 'tcp', host, port });
    }
    const a = server.address() as AddressInfo | string; // a string: the path of an AF_UNIX socket
    const local =
      typeof a === 'string' ? { host: a, port: 0, family: owner.family } : { host: a.address, port: a.port, family: owner.family };
    const listener = new Listener(owner, server, local, acceptQueueCap(backlog));
    server.removeListener(arrival, keep);
    server.on(arrival, listener.onConnection);
    server.on('error', listener.onError);
    if (arrival === 'secureConnection') {
      // Asked now, while the connection is open: Node keeps the answer, and a failed handshake's
      // socket can no longer say whom it was with (see onTlsError).
      server.on('connection', (raw: net.Socket) => void raw.remoteAddress);
      server.on('tlsClientError', listener.onTlsError);
    }
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
    const accepted = this.pending.shift();
    // The error it failed with while it waited: Node keeps the first (errored), which whileQueued let pass.
    if (accepted !== undefined && accepted.raw instanceof net.Socket && accepted.raw.errored !== null)
      accepted.failCode ??= errorCode(accepted.raw.errored);
    return accepted;
  }

  /**
   * Whether closing resets the connections waiting for accept, as Linux does (their clients' next call
   * fails with ECONNRESET): not a TLS listener's or an AF_UNIX one's, which Node can only close (canReset).
   */
  get resetsWaiting(): boolean {
    return !isTlsServer(this.server) && this.owner.family !== 'unix';
  }

  /** Stops listening and resets connections nobody accepted. Resolves when the server has closed. */
  close(): Promise<void> {
    if (this.closing === null) {
      for (const a of this.pending.drain()) discard(a, true, this.owner.family);
      this.closing = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
      });
    }
    return this.closing;
  }

  /**
   * The native fast path of a waiting accept: waits in the addon until a connection is there and takes
   * it (accept4), for one slice at most and while nothing else needs the event loop; then the wait
   * goes on there, with Node accepting. Connections Node accepted already are taken first. 'again':
   * none came within the wait (the caller may wait here again after a turn of the loop).
   */
  waitInAddon(blocking: Blocking): 'again' | 'done' {
    // A TLS connection's handshake is Node's (accept must return a TLSSocket); an AF_UNIX peer has no
    // IP address for addressOf to read. Those listeners accept on the event loop only.
    if (isTlsServer(this.server) || this.owner.family === 'unix') return 'done';
    const fd = this.fd();
    if (fd < 0) return 'done';
    const calls = blocking.calls;
    while (this.owner.reader.waiting && this.pending.length === 0 && this.closing === null) {
      // A connection may be queued already: accept first, then wait (acceptwait).
      const conn = calls.acceptwait(fd, peerBytes, SLICE_MS);
      // EAGAIN: nothing within the wait, or the client gave up meanwhile. Another failure Node's own accept meets again and tells.
      if (conn < 0) return conn === EAGAIN ? 'again' : 'done';
      this.enqueue({ raw: { fd: conn, calls }, from: { ...addressOf(peerBytes), family: this.owner.family }, failCode: null });
    }
    return 'done';
  }

  private readonly onConnection = (raw: net.Socket): void => {
    const from: Address = { host: raw.remoteAddress ?? '', port: raw.remotePort ?? 0, family: this.owner.family };
    raw.on('error', whileQueued);
    this.enqueue({ raw, from, failCode: null });
  };

  /** A completed handshake joins the accept queue, or is reset when the queue is full. */
  private enqueue(accepted: Accepted): void {
    const from = accepted.from;
    if (this.owner.closed || this.closing !== null) {
      discard(accepted, true, this.owner.family); // the kernel would have reset it with the listening socket
      return;
    }
    if (this.pending.length >= this.cap) {
      // The queue is full: accept-cap.ts says why this resets (a TLS connection is closed: stream-handle.ts).
      const reset = discard(accepted, true, this.owner.family);
      this.dropped++;
      this.owner.core.emit({
        kind: 'dropped',
        reset,
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

  /** A client's TLS handshake failed: nothing reaches the accept queue; said, as Python's accept would raise it. */
  private readonly onTlsError = (err: Error, raw: tls.TLSSocket): void => {
    if (this.owner.closed) return;
    // The TLS socket is gone; the TCP one under it (Node's _parent, undocumented) kept its peer's address.
    const tcp = (raw as unknown as { _parent?: net.Socket | null })._parent ?? raw;
    const from: Address | null =
      tcp.remoteAddress === undefined ? null : { host: tcp.remoteAddress, port: tcp.remotePort ?? 0, family: this.owner.family };
    const { serial, name: socket } = this.owner;
    this.owner.core.emit({ kind: 'rejected', serial, socket, from, code: errorCode(err), detail: handshakeFailure(err) });
  };

  private readonly onError = (err: Error): void => {
    // A listening server only fails on accept (EMFILE...); keep listening and say so.
    if (!this.owner.closed)
      this.owner.core.emit({ kind: 'failed', serial: this.owner.serial, socket: this.owner.name, code: errorCode(err), taken: false });
  };
}

/** A TLS connection whose handshake is done may be half-closed, as Python's shutdown(SHUT_WR) leaves it (Node reads the flag at the end of the stream). */
function halfOpen(raw: net.Socket): void {
  raw.allowHalfOpen = true;
}

/**
 * A queued connection's 'error' listener: without one Node would throw the error. One function for
 * every connection, not a closure each (it stays on the socket while the connection lives); take()
 * reads the error from the socket (issue 16's memory per held connection).
 */
function whileQueued(): void {}

/** Closes a connection nobody will accept; reset: with an RST where the connection can send one. True when it did. */
function discard(accepted: Accepted, reset: boolean, family: Family): boolean {
  const raw = accepted.raw;
  if (!(raw instanceof net.Socket)) {
    raw.calls.close(raw.fd, reset ? 1 : 0);
    return reset;
  }
  if (reset && canReset(raw, family)) {
    raw.resetAndDestroy();
    return true;
  }
  raw.destroy();
  return false;
}

function listenOn(
  server: net.Server,
  where: { host: string; port: number } | { path: string } | { fd: number },
  backlog: number | undefined,
): Promise<void> {
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
    // With fd, Node reads the backlog from the second argument only.
    if ('fd' in where) server.listen(where, backlog);
    else server.listen({ ...where, backlog });
  });
}

/** A TLS listener's server; false without looking when no TLS socket was ever made. */
function isTlsServer(server: net.Server | null): boolean {
  const tls = tlsIfLoaded();
  return tls !== null && server instanceof tls.Server;
}
