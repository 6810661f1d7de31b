/**
 * How one TCP connection stands, under its Stream (tcp-stream.ts): its OS end (tcp-end.ts) and
 * addresses; its state (ESTABLISHED, CLOSE_WAIT after the peer's FIN, FIN_WAIT and SHUT_DOWN after
 * shutdown, RESET); and its end and failures. FIN, shutdown and errors are states: a stored error
 * (ECONNRESET...) is said at once ('failed') and raised by the next call that may raise it, a read
 * only after the queued data has been taken (stream-receiving.ts); a reset after the peer's FIN is
 * asked of the kernel (end-probe.ts), as Linux's send meets it.
 */
import type { Socket as NetSocket } from 'node:net';
import type { BaseSocket } from './base.js';
import { howItEnded, resetAfterEnd } from './end-probe.js';
import { SocketError, errorCode, fromCode } from './errors.js';
import { ConnEnd, type BareConnection } from './tcp-end.js';
import type { UnixReads } from './unix-reads.js';
import type { Address, ShutMarks, SocketState, StreamEnd, StreamRead } from './types.js';

const STREAM_READS: ReadonlySet<string> = new Set<StreamRead['call']>(['recvline', 'recvuntil', 'recvexactly', 'peek']);
/**
 * After data sent in CLOSE_WAIT, when to ask again whether the peer answered it with a reset: at once
 * (on loopback the reset is in before the send returns), then a network's round trips later.
 */
const RESET_LOOKS_MS = [20, 200, 2000];

export abstract class StreamState {
  private localAddr: Address | null = null;
  /** Node's socket, or a bare descriptor the addon accepted until something needs Node's (tcp-end.ts). */
  protected readonly end: ConnEnd;
  protected eof = false;
  protected shutRd = false;
  protected shutWr = false;
  /** The connection is gone (error or close): nothing more will arrive. */
  protected gone = false;
  protected failCode: string | null;
  protected failReported = false;
  /**
   * The peer reset the connection after its FIN (it had closed for good, and our data met a closed
   * socket): send fails with EPIPE as Linux's does, while recv still returns b'' for the FIN. Also set
   * when the kernel refused a send with EPIPE (refused): the same state, met by the send first.
   */
  protected resetAfterFin = false;
  /** shutdown rd/rdwr shut reading down in the kernel (stream-shut-read.ts). */
  protected readShutInKernel = false;
  /** A watch for that reset is under way (watchForReset). */
  private watching = false;
  /**
   * The end of the stream was the peer's FIN for sure; false when the kernel could not be asked
   * (end-probe.ts), and then nothing may call it a FIN.
   */
  endKnown = true;
  /** An AF_UNIX connection: its bytes stay in the kernel until a call asks for them (unix-reads.ts). */
  protected kernel: UnixReads | null = null;

  constructor(
    protected readonly owner: BaseSocket,
    from: NetSocket | BareConnection,
    readonly remote: Address | null, // null: not known (Accepted.from)
    failCode: string | null,
    local: Address | null,
  ) {
    this.failCode = failCode;
    this.localAddr = local;
    this.end = new ConnEnd(from, this);
    this.gone = this.end.destroyed; // an accepted connection may have failed while it waited
  }

  /** Node's socket is there (from the start, or handed a bare descriptor): its events are the connection's. */
  abstract onSocket(raw: NetSocket): void;

  /** The bytes the connection's own queue holds, unread (the eof event says how many). */
  protected abstract queuedBytes(): number;

  /** Bytes off the connection (stream-receiving.ts): an AF_UNIX peer's last ones come with its end. */
  abstract onData(chunk: Buffer): void;

  /** Node's socket under this connection; a bare descriptor is handed to one now (tcp-end.ts). */
  get raw(): NetSocket {
    return this.end.node;
  }

  /** The connection is a bare descriptor still: nothing of Node's reads it (tcp-end.ts). */
  get isBare(): boolean {
    return this.end.isBare;
  }

  /**
   * The local address, asked of the OS (getsockname) the first time someone wants it: a server loop
   * that never looks would pay a system call per connection. Kept when the connection fails (the
   * socket stays in the table, RESET); after close() no handle can ask.
   */
  get local(): Address {
    this.localAddr ??= this.end.localAddress(this.owner.family);
    return this.localAddr;
  }

  /** What shutdown marked on this connection (SocketInfo.shut). */
  shutMarks(): ShutMarks {
    return { rd: this.shutRd, wr: this.shutWr };
  }

  state(): SocketState {
    this.lookForReset(false);
    this.lookForOwnReset(false);
    if (this.failCode !== null || this.failReported) return 'RESET';
    if (this.shutWr) return this.eof || this.shutRd ? 'SHUT_DOWN' : 'FIN_WAIT';
    return this.eof ? 'CLOSE_WAIT' : 'ESTABLISHED';
  }

  /**
   * How the kernel let the connection go (Linux's TCP_CLOSE), or null while it holds it: reset, or
   * ended by both FINs (ours and the peer's). Linux's getpeername fails with ENOTCONN then, and
   * Python's raises OSError. An AF_UNIX socket keeps its peer's name after either end closes.
   */
  kernelLetGo(): 'reset' | 'both FINs' | null {
    if (this.owner.family === 'unix') return null;
    if (this.state() === 'RESET' || this.resetAfterFin) return 'reset';
    return this.shutWr && this.eof ? 'both FINs' : null;
  }

  /** Throws unless send may write now: EPIPE after shutdown('wr') or once the connection is gone. */
  checkWritable(call: string): void {
    this.lookForReset(true);
    // Linux's send after our shutdown meets a reset not yet reported first (ECONNRESET), then EPIPE.
    if (this.shutWr && (this.lookForOwnReset(true) || isOwnReset(this.failCode))) this.reportFailure(call);
    if (this.shutWr) throw new SocketError('EPIPE_SHUT_WR', call, { socket: this.owner.name });
    // An AF_UNIX send after the peer's close fails with EPIPE and leaves its reset, if any, for recv (unix-reads.ts).
    if (this.kernel !== null && (this.failCode === 'ECONNRESET' || this.kernel.peerGone()))
      throw new SocketError('EPIPE', call, { socket: this.owner.name });
    if (this.failCode !== null) this.reportFailure(call);
    if (this.gone || this.failReported) throw new SocketError('EPIPE', call, { socket: this.owner.name });
  }

  /**
   * Bytes Node still holds can yet reach the peer: the connection has not failed or gone, and (AF_UNIX)
   * its peer has not closed. Asks nothing that a later call would miss (checkWritable raises and takes).
   */
  get canDeliver(): boolean {
    if (this.shutWr || this.gone || this.failCode !== null || this.failReported) return false;
    return this.kernel === null || !this.kernel.peerGone();
  }

  /**
   * The kernel refused a write at once (here, or sendfile's in the addon): raised now, as Python's send
   * raises it. A reset (ECONNRESET) is the connection's news: a recv waiting meets it first, as a
   * thread blocked in Linux's recv is woken with it, and the send then gets EPIPE. EPIPE is the send's
   * alone: Linux's recv never returns it (a reset after the peer's FIN, or one already taken: recv
   * returns what the kernel holds, then b''), so a waiting recv goes on to meet what Node reads next.
   */
  refused(code: string, call: string): never {
    if (code === 'EPIPE') this.resetAfterFin = true;
    else this.gone = true;
    this.fail(code, true);
    return this.reportFailure(call);
  }

  /** A stored failure, raised by a read: not a reset that came after the FIN, where recv returns b'' as Linux's does. */
  protected raiseStored(call: string): void {
    if (this.failCode !== null && !this.resetAfterFin) this.reportFailure(call);
  }

  /**
   * After the peer's FIN, asks the kernel whether a reset has come since (end-probe.ts resetAfterEnd)
   * and, the first time one has, tells it as the failure EPIPE that the next send raises. taken: a call
   * is about to report it. True when it found one.
   */
  private lookForReset(taken: boolean): boolean {
    if (!this.eof || !this.endKnown || this.shutWr || this.gone || this.failCode !== null || this.failReported) return false;
    if (this.owner.closed || resetAfterEnd(this.end.osFd()) !== 'reset') return false;
    this.gone = true;
    this.resetAfterFin = true;
    this.fail('EPIPE', taken);
    return true;
  }

  /** After shutdown rd in the kernel and our FIN: has our kernel reset the connection since? (stream-shut-read.ts) */
  protected abstract lookForOwnReset(taken: boolean): boolean;

  /** Data went out after the peer's FIN: look for the reset a peer that closed for good answers it with, a few times. */
  protected watchForReset(): void {
    if (this.watching) return;
    this.watching = true;
    let step = 0;
    const look = (): void => {
      if (this.lookForReset(false) || this.gone || this.owner.closed || step >= RESET_LOOKS_MS.length) {
        this.watching = false;
        return;
      }
      setTimeout(look, RESET_LOOKS_MS[step++]).unref();
    };
    setImmediate(look);
  }

  private reportFailure(call: string): never {
    const code = this.failCode ?? 'EPIPE';
    this.failCode = null;
    this.failReported = true;
    throw fromCode(code, call, {
      socket: this.owner.name,
      family: this.owner.family,
      transport: 'tcp',
      ...(this.remote !== null && { host: this.remote.host, port: this.remote.port }),
    });
  }

  /**
   * Node says the stream ended: a FIN, or a reset that libuv reported as an end (see end-probe.ts).
   * The kernel is asked which before anything is reported, so a reset is never called a FIN. (Node's
   * socket's event: the listeners at the end of tcp-stream.ts call it, as they call the others.)
   */
  onEnd(): void {
    // After our own shutdown(SHUT_RD) in the kernel, Node's reads end there: no word from the peer. An end
    // or a failure told already (accept read it at hand-over: queued-news.ts) is no news when Node reads it.
    if (this.readShutInKernel || this.eof || this.gone) return;
    if (this.owner.closed) {
      this.eof = true;
      return;
    }
    // An AF_UNIX socket has no FIN or RST: its kernel says whether the peer closed with bytes unread.
    const kernel = this.kernel;
    const cause =
      kernel === null ? howItEnded(this.end.osFd()) : kernel.howItEnded((data) => this.onData(data)) === 'reset' ? 'reset' : 'stream';
    switch (cause) {
      case 'reset':
        this.gone = true;
        this.fail('ECONNRESET');
        return;
      case 'fin':
      case 'unknown':
      case 'stream': {
        const call = this.owner.reader.call;
        // The stream reads (recvline...) end at the FIN too: they return or say what was left.
        this.ended(cause, call === 'recv' || call === 'recvfrom' || (call !== null && STREAM_READS.has(call)));
        return;
      }
      default: {
        const exhaustive: never = cause;
        return exhaustive;
      }
    }
  }

  /**
   * A failure the connection came with (a connect whose handshake the peer's reset followed before
   * Node said it connected: tcp-connect.ts), told now, after the event that made the socket connected,
   * as the reset came after the handshake.
   */
  tellStored(): void {
    if (this.failCode !== null && !this.failReported) this.fail(this.failCode);
  }

  /** Node's socket's event (the listeners at the end of tcp-stream.ts call it). */
  onError(err: Error): void {
    if (!this.end.destroyed) void this.local;
    this.gone = true;
    const code = errorCode(err);
    // After shutdown(SHUT_RD) in the kernel and our FIN, a reset is the one our kernel sent (lookForOwnReset).
    this.fail(code === 'ECONNRESET' && this.readShutInKernel && this.shutWr ? 'ECONNRESET_SHUT_RD' : code);
  }

  /** The peer ended the stream (end: how, as far as known); taken: a call returns b'' for it now. */
  protected ended(end: StreamEnd, taken: boolean): void {
    this.eof = true;
    this.endKnown = end === 'fin';
    // Told before the waiting call is woken: the FIN came first, then recv returned b''.
    this.owner.core.emit({ kind: 'eof', serial: this.owner.serial, socket: this.owner.name, queued: this.queuedBytes(), taken, end });
    this.owner.reader.wake();
  }

  /** The connection failed with code: stored for the next call (after the queued data), and said. */
  protected fail(code: string, taken = false): void {
    if (this.owner.closed || this.failReported) return;
    this.failCode = code;
    taken ||= this.owner.reader.call !== null || this.owner.writer.call !== null;
    const { serial, name: socket } = this.owner;
    if (isOwnReset(code))
      this.owner.core.emit({
        kind: 'failed',
        serial,
        socket,
        code: 'ECONNRESET',
        taken,
        ownReset: code === 'ECONNRESET_SHUT_RD' ? 'kernel' : 'shell',
      });
    else this.owner.core.emit({ kind: 'failed', serial, socket, code, taken });
    this.owner.reader.wake();
    this.owner.writer.wake();
  }

  /** Node's socket's event (the listeners at the end of tcp-stream.ts call it). */
  onClose(): void {
    this.gone = true;
    this.kernel?.unwatch();
    this.owner.reader.wake();
    this.owner.writer.wake();
  }
}

/** The reset our own kernel (or, without the addon, the shell) made after shutdown rd: see lookForOwnReset. */
export function isOwnReset(code: string | null): boolean {
  return code === 'ECONNRESET_SHUT_RD' || code === 'ECONNRESET_SHUT_RD_SHELL';
}
