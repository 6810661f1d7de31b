/**
 * A TCP welcoming socket whose accept queue is the kernel's, as Python's is: the engine's own
 * descriptor, bound in the addon (kernel-bind.ts) and listening with the backlog as given, so the
 * kernel completes backlog + 1 handshakes and leaves further clients' SYNs unanswered. Nothing is
 * accepted until accept asks: a watcher in the addon (an edge-triggered epoll under the event loop)
 * says when a connection joins the queue, without taking it, and the peers waiting are read from the
 * kernel (sock_diag). Closing the descriptor makes the kernel reset the connections nobody accepted.
 * The watcher takes a descriptor (its epoll): a listen made when the process had none left has no
 * watcher, and a waiting accept makes it then (accept4 has just found a descriptor free), or, while it
 * still cannot, looks at the queue itself every LOOK_MS, so a client always wakes it.
 *
 * While blocking calls may wait in the addon (a run script), an accepted connection stays a bare
 * descriptor (tcp-end.ts), watched until the event loop finds its peer ended or reset it
 * (bare-watch.ts), so its end is told as it comes on both back ends. In the interactive shell it
 * becomes a Node socket at once, which reads it.
 */
import net from 'node:net';
import type { Accepted, BaseSocket } from './base.js';
import { toSocketError } from './errors.js';
import { discard, whileQueued } from './unaccepted.js';
import { localOfAccepted, type Welcoming } from './welcoming.js';
import { ADDRESS_BYTES, EAGAIN, SLICE_MS, addressOf, nativeError, type Blocking, type NativeCalls, type Watcher } from './native.js';
import { Fifo } from './queues.js';
import type { Address } from './types.js';

/** Room for the peers one look at the queue reads (a larger queue is told as it is accepted). */
const PEERS = 64;
const peersBytes = Buffer.alloc(PEERS * ADDRESS_BYTES);
const peerBytes = Buffer.alloc(ADDRESS_BYTES);
/** How often a waiting accept looks at the queue itself while the addon cannot watch it (EMFILE for its epoll). */
const LOOK_MS = 50;

export class KernelListener implements Welcoming {
  readonly local: Address;
  /** The kernel drops SYNs past its queue and counts them only for the whole host (ListenOverflows). */
  readonly dropped = 0;
  readonly resetsWaiting = true;
  readonly kernelWouldHold = null;
  /** The local address of the connections it accepts, when it is the listener's own (localOfAccepted). */
  private readonly connLocal: Address | null;
  /** Connections a wait in the addon accepted, for the waiting accept to return. */
  private readonly ready = new Fifo<Accepted>();
  /** The queued connections told (an 'incoming' event), by peer: each is told once, before or as accept takes it. */
  private readonly told = new Set<string>();
  private watcher: Watcher | null = null;
  /** The look at the queue while an accept waits and there is no watcher (see lookWhileWaiting). */
  private looking: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly owner: BaseSocket,
    private readonly calls: NativeCalls,
    private readonly listenFd: number,
    local: Address,
  ) {
    this.local = local;
    this.connLocal = localOfAccepted(local);
  }

  /** listen(fd, backlog) on the bound descriptor fd, which the listener owns once it listens (on failure it stays the caller's, still bound). */
  static open(owner: BaseSocket, calls: NativeCalls, fd: number, local: Address, backlog: number): KernelListener {
    // Python passes a negative backlog as 0; Linux then holds one connection (backlog + 1).
    const n = calls.listenfd(fd, Math.max(0, backlog));
    if (n < 0) {
      const context = { socket: owner.name, family: owner.family, transport: 'tcp' as const, host: local.host, port: local.port };
      throw toSocketError(nativeError(calls, n, 'listen'), 'listen', context);
    }
    const listener = new KernelListener(owner, calls, fd, local);
    listener.watch();
    return listener;
  }

  fd(): number {
    return this.closed ? -1 : this.listenFd;
  }

  /** Connections waiting for accept: what the kernel's queue holds (ss's Recv-Q), and any an addon wait took for the waiting accept. */
  get waiting(): number {
    if (this.closed) return 0;
    return Math.max(0, this.calls.acceptqueue(this.listenFd)) + this.ready.length;
  }

  /** The oldest connection waiting for accept (accept4 on the kernel's queue), or undefined; the OS's error if accept fails otherwise (EMFILE). */
  take(): Accepted | undefined {
    const early = this.ready.shift();
    if (early !== undefined || this.closed) return early;
    const conn = this.calls.acceptwait(this.listenFd, peerBytes.fill(0), -1, 0);
    if (conn === EAGAIN) {
      if (this.watcher === null) this.lookWhileWaiting();
      return undefined;
    }
    if (conn < 0) throw toSocketError(nativeError(this.calls, conn, 'accept'), 'accept', { socket: this.owner.name });
    // While blocking calls may wait in the addon (a run script), the connection stays a bare descriptor,
    // as one a wait took, watched for its end (bare-watch.ts).
    const blocking = this.owner.core.blocking;
    return this.accepted(conn, blocking !== null && blocking.allowed());
  }

  /**
   * A waiting accept, in the addon: see NodeListener.waitInAddon. When the wait goes on on the event loop
   * it needs no second try in the addon ('done'): the watcher wakes the accept when a connection comes.
   * The wait comes first: take() has just found the queue empty (a connection that came since makes
   * the wait return at once).
   */
  waitInAddon(blocking: Blocking): 'again' | 'done' {
    while (this.owner.reader.waiting && this.ready.length === 0 && !this.closed) {
      const conn = blocking.calls.acceptwait(this.listenFd, peerBytes.fill(0), SLICE_MS, 1);
      if (conn < 0) return this.watcher === null && conn === EAGAIN ? 'again' : 'done';
      this.ready.push(this.accepted(conn, true));
      this.owner.reader.wake();
    }
    return 'done';
  }

  /** Stops listening; the kernel resets the connections in its queue. Those an addon wait took are reset here. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.watcher !== null) this.calls.unwatch(this.watcher);
    this.stopLooking();
    for (const a of this.ready.drain()) discard(a, true, this.owner.family);
    this.calls.close(this.listenFd, 0);
    return Promise.resolve();
  }

  /** The watcher on the queue, made now if it could not be before (no descriptor for its epoll); false while it cannot be. */
  private watch(): boolean {
    if (this.watcher === null && !this.closed) {
      const watcher = this.calls.watchlisten(this.listenFd, this.onQueued);
      if (typeof watcher !== 'number') this.watcher = watcher;
    }
    return this.watcher !== null;
  }

  /**
   * An accept is about to wait and nothing watches the queue: watch it now, or else look at it every
   * LOOK_MS while the accept waits, as the watcher would tell (onQueued). A client then wakes the
   * accept, which takes it, or fails as Python's would (EMFILE when accept4 has no descriptor for it).
   */
  private lookWhileWaiting(): void {
    if (this.looking !== null || this.watch()) return;
    this.looking = setInterval(this.look, LOOK_MS);
    this.looking.unref(); // the waiting accept holds the process (waiter.ts), not this
  }

  private readonly look = (): void => {
    // A watcher made now tells a connection queued already at once.
    if (this.closed || !this.owner.reader.waiting || this.watch()) this.stopLooking();
    else if (this.calls.acceptqueue(this.listenFd) > 0) this.onQueued();
  };

  private stopLooking(): void {
    if (this.looking !== null) clearInterval(this.looking);
    this.looking = null;
  }

  /**
   * A connection joined the kernel's queue: told once per peer, and a waiting accept wakes to take it.
   * The one connection a waiting accept is about to take is told as it is taken (accepted), with the
   * same peer and queue: the kernel's list of queued peers (sock_diag) walks every connection on the
   * host, and a busy server met it on most connections (issue 16).
   */
  private readonly onQueued = (): void => {
    if (this.closed || this.owner.closed) return;
    if (this.owner.reader.waiting && this.calls.acceptqueue(this.listenFd) <= 1) {
      this.owner.reader.wake();
      return;
    }
    const n = this.calls.queuedpeers(this.listenFd, peersBytes.fill(0));
    const fresh: { from: Address; tied: boolean }[] = [];
    for (let i = 0; i < n; i++) {
      const record = peersBytes.subarray(i * ADDRESS_BYTES, (i + 1) * ADDRESS_BYTES);
      const from = this.peer(record);
      const key = `${from.host} ${from.port}`;
      // The addon marks a record whose order with its neighbour it could not tell (the same tick).
      if (!this.told.has(key)) fresh.push({ from, tied: record[ADDRESS_BYTES - 1] === 1 });
      this.told.add(key);
    }
    // Arrivals seen together are told one by one, each with the queue as it was once it had come.
    const before = Math.max(0, this.waiting - fresh.length);
    fresh.forEach(({ from, tied }, i) => this.tell(from, before + i + 1, this.owner.reader.waiting, tied));
    if (this.owner.reader.waiting) this.owner.reader.wake();
  };

  /** The connection accept4 returned as descriptor conn, its peer in peerBytes; told now if the watcher has not told it. */
  private accepted(conn: number, bare: boolean): Accepted {
    const from = this.peer(peerBytes);
    const key = `${from.host} ${from.port}`;
    if (!this.told.delete(key)) this.tell(from, this.waiting + 1, true);
    if (bare) return { raw: { fd: conn, calls: this.calls }, from, failCode: null, local: this.connLocal };
    // pauseOnCreate (Node's own, as its pauseOnConnect server uses): nothing is read until accept's socket resumes it.
    const options = { fd: conn, allowHalfOpen: true, readable: true, writable: true, pauseOnCreate: true } as net.SocketConstructorOpts;
    const raw = new net.Socket(options);
    raw.on('error', whileQueued); // accept attaches the connection's own listeners before Node can emit
    return { raw, from, failCode: null, local: this.connLocal };
  }

  private peer(bytes: Buffer): Address {
    return addressOf(bytes, this.owner.family);
  }

  private tell(from: Address, pending: number, taken: boolean, tied = false): void {
    const { serial, name: socket } = this.owner;
    this.owner.core.emit({ kind: 'incoming', serial, socket, from, pending, taken, ...(tied ? { tied: true as const } : {}) });
  }
}
