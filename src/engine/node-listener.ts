/**
 * A welcoming socket over Node's net.Server: a TLS listener, an AF_UNIX one, and every TCP listener
 * of a build without the native addon (with it, kernel-listener.ts listens on the engine's own
 * descriptor). Without the addon bind only probed the address (bind-probe.ts); with it, a bound
 * descriptor is handed to Node's server. Node accepts eagerly, so completed handshakes wait, paused
 * (their data stays in the kernel), in an accept queue until accept takes one. The queue is bounded:
 * see accept-cap.ts. On the native fast path a waiting accept takes the connection itself, with
 * accept4 in the addon, and no Node socket is made for it (tcp-end.ts).
 */
import net, { type AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { acceptQueueCap, kernelAcceptQueue } from './accept-cap.js';
import type { Accepted, BaseSocket } from './base.js';
import { errorCode, toSocketError } from './errors.js';
import { ADDRESS_BYTES, EAGAIN, SLICE_MS, addressOf, type Blocking } from './native.js';
import { Fifo } from './queues.js';
import { isTlsServer, listenOn, makeServer } from './server-listen.js';
import { handshakeFailure } from './tls-reasons.js';
import type { Address, TlsSetup } from './types.js';
import { discard, whileQueued } from './unaccepted.js';
import { localOfAccepted, type Welcoming } from './welcoming.js';

/** The peer of the connection the addon just accepted. */
const peerBytes = Buffer.alloc(ADDRESS_BYTES);

export class NodeListener implements Welcoming {
  readonly local: Address;
  private readonly pending = new Fifo<Accepted>();
  /** Connections reset because the accept queue was full. */
  dropped = 0;
  private closing: Promise<void> | null = null;
  /** The local address of the connections it accepts, when it is the listener's own (localOfAccepted). */
  private readonly connLocal: Address | null;

  private constructor(
    private readonly owner: BaseSocket,
    private readonly server: net.Server,
    local: Address,
    private readonly cap: number,
    readonly kernelWouldHold: number,
  ) {
    this.local = local;
    this.connLocal = localOfAccepted(local);
  }

  /**
   * Listens on host:port with the backlog; rejects with the bind error if the address is taken. With
   * a server TlsSetup, each connection does its TLS handshake at once (the accept queue holds
   * connections whose handshake is done) and waits, not read further, until accept takes it.
   */
  static async open(
    owner: BaseSocket,
    host: string,
    port: number,
    backlog: number,
    setup: TlsSetup | null,
    fd = -1,
  ): Promise<NodeListener> {
    const { server, arrival } = makeServer(setup);
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
    const listener = new NodeListener(owner, server, local, acceptQueueCap(backlog), kernelAcceptQueue(backlog));
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
    return this.pending.shift();
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
      const conn = calls.acceptwait(fd, peerBytes, SLICE_MS, 0);
      // EAGAIN: nothing within the wait, or the client gave up meanwhile. Another failure Node's own accept meets again and tells.
      if (conn < 0) return conn === EAGAIN ? 'again' : 'done';
      this.enqueue({ raw: { fd: conn, calls }, from: addressOf(peerBytes, this.owner.family), failCode: null, local: this.connLocal });
    }
    return 'done';
  }

  private readonly onConnection = (raw: net.Socket): void => {
    // Node asks the kernel for the client's address only now, after its own accept: a client that reset
    // the connection before that is named by no one (getpeername: ENOTCONN), so its address is unknown,
    // not ('', 0). An AF_UNIX client has no address to ask for: Python's accept gives '' for it.
    const host = raw.remoteAddress;
    const family = this.owner.family;
    const from: Address | null =
      family === 'unix' ? { host: host ?? '', port: 0, family } : host === undefined ? null : { host, port: raw.remotePort ?? 0, family };
    raw.on('error', whileQueued);
    this.enqueue({ raw, from, failCode: null, local: this.connLocal });
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
