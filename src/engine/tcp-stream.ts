/**
 * One TCP connection (a connected client socket or one that accept returned), as its socket's calls
 * see it: how it stands (stream-state.ts), its receiving half (stream-receiving.ts; its reading past
 * Node, stream-addon-reads.ts), and here its sending half, its shutdown and close, and the hand-over
 * of Node's socket's events.
 */
import type { Socket as NetSocket } from 'node:net';
import type { Completion } from '../core/completion.js';
import type { BaseSocket } from './base.js';
import { SocketError, errorCode } from './errors.js';
import { canReset, closesAtOnce, unsentHeld } from './stream-handle.js';
import { EAGAIN } from './native.js';
import { AddonReading } from './stream-addon-reads.js';
import type { BareConnection } from './tcp-end.js';
import { UnixReads } from './unix-reads.js';
import type { Address, ShutdownHow } from './types.js';

export class Stream extends AddonReading {
  private released: Promise<void> | null = null;

  /** local: the connection's local address when it is known already (an accepted one's, welcoming.ts localOfAccepted), else null. */
  constructor(
    owner: BaseSocket,
    from: NetSocket | BareConnection,
    remote: Address | null,
    failCode: string | null,
    local: Address | null = null,
  ) {
    super(owner, from, remote, failCode, local);
    this.end.start();
  }

  /** The connection's descriptor for bytes past Node (never TLS's), or -1. */
  fd(): number {
    return this.end.fd();
  }

  /** The connection's OS descriptor for socket options (TLS's too), or -1. */
  osFd(): number {
    return this.end.osFd();
  }

  /** Node's write buffer is full: the next send waits for 'drain'. */
  get mustWait(): boolean {
    return this.end.writableNeedDrain;
  }

  /** Bytes written but still in Node's buffer, not yet handed to the kernel. */
  get writableLength(): number {
    return this.end.writableLength;
  }

  /** Of writableLength, what the kernel has not taken as of Node's last write (stream-handle.ts unsentHeld). */
  get unsentHeld(): number {
    return this.end.isBare || this.end.writableLength === 0 ? 0 : unsentHeld(this.raw);
  }

  /**
   * Writes data; onFlushed runs once Node has handed it to the kernel. Throws when the kernel refused
   * the write at once: the peer is gone and its reset is known (EPIPE, ECONNRESET). Node sets `errored`
   * now and emits 'error' a tick later; Python's send raises BrokenPipeError right here, so this call
   * does too, and the 'error' that follows is not announced as news for a later call (failReported).
   * On the native fast path, with nothing of Node's in front of it, the kernel is handed the bytes here
   * and now (send(2) without waiting); what it does not take, Node writes after it.
   */
  write(data: Buffer, onFlushed?: () => void, call = 'send'): void {
    const blocking = this.owner.core.blocking;
    const fd = blocking === null || this.end.writableLength > 0 || !blocking.allowed() ? -1 : this.fd();
    if (blocking !== null && fd >= 0) {
      const n = blocking.calls.send(fd, data, 0, data.length);
      if (n === data.length) {
        if (onFlushed !== undefined) queueMicrotask(onFlushed); // gone, as Node would say after its write
        this.owner.bytesSent += data.length;
        return;
      }
      if (n < 0 && n !== EAGAIN) return this.refused(blocking.calls.errname(n), call);
      this.raw.write(n > 0 ? data.subarray(n) : data, onFlushed);
    } else this.raw.write(data, onFlushed);
    const refused = this.raw.errored;
    if (refused !== null && !this.failReported) this.refused(errorCode(refused), call);
    this.owner.bytesSent += data.length;
    if (this.eof) this.watchForReset();
  }

  /**
   * Python's shutdown. On a TCP connection the peer reset (before its FIN or after it: the kernel's
   * socket is closed) Linux's shutdown fails with ENOTCONN, whatever how, and leaves a reset not yet
   * reported for recv; Node's end() would say nothing and send nothing. A Unix connection's shutdown
   * succeeds whatever its peer did, as Linux's does.
   */
  shutdown(how: ShutdownHow): Completion<void> {
    if (this.owner.family !== 'unix' && this.state() === 'RESET') {
      throw new SocketError(this.resetAfterFin ? 'ENOTCONN_RESET_AFTER_FIN' : 'ENOTCONN_RESET', 'shutdown', { socket: this.owner.name });
    }
    if (how !== 'wr' && !this.shutRd) this.shutReadingInKernel();
    let sent: Completion<void> = undefined;
    if (how !== 'rd' && !this.shutWr) {
      this.shutWr = true;
      sent = this.finNow() ? undefined : this.finSent();
      this.raw.end(); // FIN (Node's shutdown after finNow's changes nothing); the peer may still send (allowHalfOpen)
    }
    if (how !== 'wr') this.stopReceiving();
    return sent;
  }

  /**
   * Python's shutdown(SHUT_WR) has queued the FIN in the kernel when it returns; Node's end() asks libuv,
   * which calls shutdown(2) when the loop next finds the socket writable, a turn later, so ss still said
   * ESTABLISHED where the shell said FIN_WAIT. With the addon, and every byte written in the kernel
   * already (nothing in Node's buffer to go before the FIN; a TLS socket's close_notify is Node's), the
   * kernel is told here. True when it was.
   */
  private finNow(): boolean {
    const calls = this.owner.core.addon.calls;
    const fd = calls === null || this.end.writableLength > 0 ? -1 : this.end.fd();
    return calls !== null && fd >= 0 && calls.shutwriting(fd) === 0;
  }

  /**
   * When Node sends the FIN itself: resolves once it has (its 'finish' comes after libuv's shutdown(2)),
   * so the call returns as Python's does, after it. Nothing to wait for while bytes are still in Node's
   * buffer: they go first, when the peer reads, and Python's shutdown does not wait for a peer either.
   */
  private finSent(): Completion<void> {
    const raw = this.raw;
    if (raw.writableLength > 0 || raw.destroyed) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        raw.off('finish', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('finish', done);
      raw.on('close', done);
    });
  }

  /**
   * Python's close(): the kernel sends what it was given, then FIN. When Node has handed every byte to
   * the kernel (nothing in its write buffer) that is close(fd) now, as Python does; otherwise Node
   * flushes first (end, then destroy on 'finish'). Ending first every time cost a shutdown() and an
   * event-loop turn per connection, and left the connection open that much longer (see the README's
   * Performance section). force destroys at once. Resolves when the OS handle is closed.
   *
   * With bytes unread in the queue it is a reset (RST), as Linux answers a close() while its receive
   * buffer holds data: here that data was already taken from the kernel into the queue, so a plain
   * close(fd) would send a FIN and tell the peer, falsely, that everything it sent was read.
   * reset: SO_LINGER 0 was set, so closing resets whatever is queued either way.
   */
  release(force: boolean, reset = false): Promise<void> {
    if (this.end.isBare) {
      this.released ??= Promise.resolve();
      this.end.closeBare(!force && (this.queuedBytes() > 0 || reset) && this.state() !== 'RESET');
      return this.released;
    }
    const raw = this.raw;
    if (this.released === null) {
      this.released = raw.closed ? Promise.resolve() : new Promise<void>((resolve) => raw.once('close', () => resolve()));
      if (!force && !raw.destroyed) {
        if ((this.queuedBytes() > 0 || reset) && this.state() !== 'RESET' && canReset(raw, this.owner.family))
          raw.resetAndDestroy(); // the engine's closed event says so alike
        else if (closesAtOnce(raw)) {
          // close(fd) now, as Python's close: the FIN is in the kernel (on loopback, at the peer) before close
          // returns, so what is said after it is true (user trials' open finding 4: waiting for the tick
          // after a write through Node, in which Node calls its callback, left the FIN a tick behind the
          // words). That tick then builds an ERR_STREAM_DESTROYED nobody sees (~5 µs, issue 16).
          raw.destroy();
        } else {
          raw.once('finish', () => raw.destroy());
          raw.end();
        }
      }
    }
    if (force && !raw.destroyed) raw.destroy();
    return this.released;
  }

  /**
   * Node's socket is there (from the start, or handed a bare descriptor): its events are the
   * connection's. The listeners are one set for every connection, finding the Stream on the socket,
   * not five closures each (issue 16's memory per held connection); Node calls them on the socket.
   */
  onSocket(raw: NetSocket): void {
    (raw as OwnedSocket)[STREAM] = this;
    if (this.owner.family === 'unix') this.kernel = new UnixReads(raw, this.owner.core.addon.calls, () => void this.owner.reader.wake());
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('drain', onDrain);
    raw.on('close', onClose);
  }

  /** Node's socket's event (the listeners at the end of this file call it). */
  onDrain(): void {
    this.owner.writer.wake();
  }
}

/** The Stream whose connection a Node socket is (Stream.onSocket). */
const STREAM = Symbol('sockshell stream');
type OwnedSocket = NetSocket & { [STREAM]?: Stream };

// The listeners of every connection's Node socket: Node calls each with the socket as `this`.
function onData(this: NetSocket, chunk: Buffer): void {
  (this as OwnedSocket)[STREAM]?.onData(chunk);
}
function onEnd(this: NetSocket): void {
  (this as OwnedSocket)[STREAM]?.onEnd();
}
function onError(this: NetSocket, err: Error): void {
  (this as OwnedSocket)[STREAM]?.onError(err);
}
function onDrain(this: NetSocket): void {
  (this as OwnedSocket)[STREAM]?.onDrain();
}
function onClose(this: NetSocket): void {
  (this as OwnedSocket)[STREAM]?.onClose();
}
