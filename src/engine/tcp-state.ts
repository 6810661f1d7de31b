/**
 * What a TCP socket is at any moment, whichever calls made it so: its descriptor or Node's handle
 * (a bound descriptor, a listener, a connection), its state and addresses, what is queued on it and
 * what closing it would do. The calls that change these are in the classes built on this one:
 * tcp-options.ts (options and TLS), tcp-sending.ts, tcp-receiving.ts, and tcp.ts (bind, listen,
 * accept, connect, shutdown).
 */
import { BaseSocket, type Accepted, type Queued } from './base.js';
import { SocketError } from './errors.js';
import { whileQueued } from './unaccepted.js';
import type { Welcoming } from './welcoming.js';
import { LINGER_OFF } from './options.js';
import { overlaps } from './resolve.js';
import { canReset } from './stream-handle.js';
import { tlsOf } from './tls-info.js';
import { Stream } from './tcp-stream.js';
import type { Address, ShutMarks, SocketState, TlsInfo, TlsSetup } from './types.js';

export abstract class TcpState extends BaseSocket {
  readonly transport = 'tcp' as const;
  protected boundAddr: Address | null = null;
  /** The descriptor bind made in the kernel (kernel-bind.ts), until listen or connect takes it over; -1: none. */
  protected boundFd = -1;
  /** A bind or listen on its way (they are asynchronous in Node). */
  protected opening = false;
  protected connecting = false;
  protected listener: Welcoming | null = null;
  protected stream: Stream | null = null;
  /** SO_LINGER: LINGER_OFF, or 0 (closing resets the connection). */
  protected linger = LINGER_OFF;
  /** wrapTls: connect and listen speak TLS. */
  protected tls: TlsSetup | null = null;

  /** A connection accept found in the queue, until settleAccepted has asked what came for it meanwhile. */
  private unsettled = false;

  /** Makes this new socket the connection that accept took from the queue, and starts reading it (Node's, not a bare descriptor). */
  attach(accepted: Accepted): void {
    if (accepted.linger !== undefined) this.linger = accepted.linger;
    const stream = new Stream(this, accepted.raw, accepted.from, accepted.failCode, accepted.local);
    this.stream = stream;
    this.unsettled = accepted.queued === true;
    if (stream.isBare) return;
    // The connection's own 'error' listener is on now: the one it waited with goes (one listener, not an array, per held connection).
    stream.raw.removeListener('error', whileQueued);
    stream.raw.resume();
  }

  override settleAccepted(): void {
    if (!this.unsettled) return;
    this.unsettled = false;
    this.settle();
  }

  override settle(closing = false): boolean {
    if (!this.closed) this.stream?.settleFromKernel(this.core.addon.calls, closing);
    return false;
  }

  /** Holds `address` through bind: same port and family, and the same host or an any-address on either side. */
  holds(address: Address): boolean {
    return overlaps(this.boundAddr, address);
  }

  state(): SocketState {
    if (this.listener !== null) return 'LISTEN';
    if (this.stream !== null) return this.stream.state();
    if (this.connecting) return 'SYN_SENT';
    return this.boundAddr === null ? 'UNBOUND' : 'BOUND';
  }

  /** A TLS connection is closed, never reset (stream-handle.ts), so nothing unread makes close a reset. */
  private resettable(): boolean {
    return this.stream !== null && (this.stream.isBare || canReset(this.stream.raw, this.family));
  }

  override unread(): number {
    // An AF_UNIX close resets the peer when the kernel holds bytes unread, as Linux does (unix-reads.ts).
    if (this.family === 'unix') return this.stream?.kernelHeld ?? 0;
    return this.resettable() ? (this.stream?.unread ?? 0) : 0;
  }

  override unaccepted(): { count: number; reset: boolean } {
    return this.listener === null ? super.unaccepted() : { count: this.listener.waiting, reset: this.listener.resetsWaiting };
  }

  override lingerResets(): boolean {
    return this.linger === 0 && this.resettable();
  }

  /** The socket's descriptor (bind's, the listener's, the connection's; TLS's too), for options; or -1 when Node has not made it yet. */
  protected fd(): number {
    if (this.stream !== null) return this.stream.osFd();
    return this.listener?.fd() ?? this.boundFd;
  }

  local(): Address | null {
    return this.listener?.local ?? this.stream?.local ?? this.boundAddr;
  }

  peer(): Address | null {
    return this.stream?.remote ?? null;
  }

  override shutMarks(): ShutMarks {
    return this.stream?.shutMarks() ?? super.shutMarks();
  }

  /** The peer, as Linux's getpeername gives it: none (ENOTCONN) once the kernel has let the connection go. */
  override getpeername(): Address {
    const gone = this.stream?.kernelLetGo() ?? null;
    if (gone === null) return super.getpeername();
    // A peer whose address the shell never learnt (Accepted.from null): the words say so, without host and port.
    const peer = this.peer();
    throw new SocketError('ENOTCONN_ENDED', 'getpeername', {
      socket: this.name,
      ...(peer !== null && { host: peer.host, port: peer.port }),
      value: gone === 'reset' ? 'reset' : 'both ends sent their FIN',
    });
  }

  /** Both addresses of the connection, as they are now. */
  protected ends(): { local: Address | null; peer: Address | null } {
    return { local: this.local(), peer: this.peer() };
  }

  queued(): Queued {
    const listener = this.listener;
    if (listener !== null) {
      const count = listener.waiting;
      const wouldHold = listener.kernelWouldHold;
      return wouldHold === null
        ? { unit: 'connections', count, bytes: 0 }
        : { unit: 'connections', count, bytes: 0, kernelWouldHold: wouldHold };
    }
    const bytes = this.stream?.unread ?? 0;
    return { unit: 'bytes', count: bytes, bytes };
  }

  dropped(): number {
    return this.listener?.dropped ?? 0;
  }

  override wrapped(): boolean {
    return this.tls !== null;
  }

  override secured(): TlsInfo | null {
    return this.stream === null || this.stream.isBare ? null : tlsOf(this.stream.raw);
  }

  release(force: boolean): Promise<void> {
    const jobs: Promise<void>[] = [];
    if (this.boundFd >= 0) this.core.addon.calls?.close(this.boundFd, 0);
    this.boundFd = -1;
    if (this.listener !== null) jobs.push(this.listener.close());
    if (this.stream !== null) jobs.push(this.stream.release(force, this.linger === 0));
    return Promise.all(jobs).then(() => undefined);
  }

  /** The connection, or the error for a socket that has none (listening, or never connected). */
  protected connection(call: string, unconnected: 'ENOTCONN' | 'EPIPE_UNCONNECTED'): Stream {
    const stream = this.stream;
    if (stream !== null) return stream;
    // Linux: sending on a listening socket is EPIPE, as on an unconnected one; reading is ENOTCONN.
    if (this.listener !== null)
      throw new SocketError(unconnected === 'EPIPE_UNCONNECTED' ? 'EPIPE_LISTENING' : 'ENOTCONN_LISTENING', call, { socket: this.name });
    throw new SocketError(unconnected, call, { socket: this.name });
  }

  protected checkUnbound(): void {
    if (this.boundAddr !== null || this.opening || this.listener !== null || this.stream !== null || this.connecting) {
      throw new SocketError('EINVAL_BOUND', 'bind', { socket: this.name });
    }
  }
}
