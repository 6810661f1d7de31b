/**
 * The receiving and sending halves of one TCP connection (a connected client socket or one that accept
 * returned). Bytes go into the socket's own queue as they arrive; reading stops (backpressure) while the
 * queue holds tcpQueueBytes or more, and resumes when recv drains it below that. FIN, shutdown and
 * errors are states: a stored error (ECONNRESET...) is raised after the queued data has been taken.
 */
import type { Socket as NetSocket } from 'node:net';
import type { BaseSocket } from './base.js';
import { howItEnded, resetAfterEnd } from './end-probe.js';
import { SocketError, errorCode, fromCode } from './errors.js';
import { ByteQueue } from './queues.js';
import { canReset, closesAtOnce, readingHandle } from './stream-handle.js';
import { EAGAIN, nativeError, type Blocking, type NativeCalls } from './native.js';
import { matchRead } from './stream-read.js';
import { ConnEnd, type BareConnection } from './tcp-end.js';
import { UnixReads } from './unix-reads.js';
import type { Address, ShutdownHow, SocketState, StreamEnd, StreamRead, StreamReadResult } from './types.js';

const EMPTY = Buffer.alloc(0);
const STREAM_READS: ReadonlySet<string> = new Set<StreamRead['call']>(['recvline', 'recvuntil', 'recvexactly', 'peek']);
/**
 * After data sent in CLOSE_WAIT, when to ask again whether the peer answered it with a reset: at once
 * (on loopback the reset is in before the send returns), then a network's round trips later.
 */
const RESET_LOOKS_MS = [20, 200, 2000];

/** What recvfile's fast path did (Stream.spliceInAddon). */
export type SpliceStep = number | { readonly fileErrno: number } | 'turn' | null;

export class Stream {
  private localAddr: Address | null = null;
  private readonly queue = new ByteQueue();
  /** Node's socket, or a bare descriptor the addon accepted until something needs Node's (tcp-end.ts). */
  private readonly end: ConnEnd;
  private eof = false;
  private shutRd = false;
  private shutWr = false;
  private paused = false;
  /** Set by a pause, cleared when the queue next runs empty: one backpressure episode, however many pauses. */
  private pausedSinceEmpty = false;
  /** The connection is gone (error or close): nothing more will arrive. */
  private gone = false;
  private failCode: string | null;
  private failReported = false;
  /**
   * The peer reset the connection after its FIN (it had closed for good, and our data met a closed
   * socket): send fails with EPIPE as Linux's does, while recv still returns b'' for the FIN.
   */
  private resetAfterFin = false;
  /** A watch for that reset is under way (watchForReset). */
  private watching = false;
  /**
   * The end of the stream was the peer's FIN for sure; false when the kernel could not be asked
   * (end-probe.ts), and then nothing may call it a FIN.
   */
  endKnown = true;
  private released: Promise<void> | null = null;
  /**
   * The bytes a recvexactly waits for, when more than tcpQueueBytes: reading goes on (no backpressure)
   * until the queue holds them, or the read could never be satisfied. Back to 0 when a stream read is
   * satisfied or ends; one that timed out leaves it (at most MAX_BUFSIZE) until then.
   */
  private wanted = 0;
  /** The bulk path reads past Node (lendReading), and Node's reading is stopped. */
  private lent = false;
  /** An AF_UNIX connection: its bytes stay in the kernel until a call asks for them (unix-reads.ts). */
  private kernel: UnixReads | null = null;

  constructor(
    private readonly owner: BaseSocket,
    from: NetSocket | BareConnection,
    readonly remote: Address,
    failCode: string | null,
  ) {
    this.failCode = failCode;
    this.end = new ConnEnd(from, this);
    this.gone = this.end.destroyed; // an accepted connection may have failed while it waited
    this.end.start();
  }

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

  /** Bytes that arrived and nothing read: the queue's, and the kernel's under a bare descriptor or an AF_UNIX connection. */
  get unread(): number {
    return this.queue.total + this.end.kernelUnread() + this.kernelHeld;
  }

  /** An AF_UNIX connection's bytes the kernel holds (0 when the addon cannot count them): closing with any resets the peer. */
  get kernelHeld(): number {
    return this.kernel?.held(this.owner.core.addon.calls) ?? 0;
  }

  state(): SocketState {
    this.lookForReset(false);
    if (this.failCode !== null || this.failReported) return 'RESET';
    if (this.shutWr) return this.eof || this.shutRd ? 'SHUT_DOWN' : 'FIN_WAIT';
    return this.eof ? 'CLOSE_WAIT' : 'ESTABLISHED';
  }

  /**
   * Up to n queued bytes; b'' after FIN, after shutdown('rd') or for n = 0; null when recv must wait.
   * A stored failure is raised once the queue is empty, then recv returns b'' as Linux does.
   */
  take(n: number, call: string): Buffer | null {
    if (this.shutRd || n === 0) return EMPTY;
    if (this.queue.total === 0) this.pull(n);
    if (this.queue.total > 0) {
      const data = this.queue.take(n);
      const pieces = this.queue.lastPieces;
      if (pieces > 1)
        this.owner.core.emit({ kind: 'joined', serial: this.owner.serial, socket: this.owner.name, bytes: data.length, pieces });
      this.resumeIfRoom();
      return data;
    }
    this.raiseStored(call);
    if (this.eof || this.gone) return EMPTY;
    this.kernel?.want();
    return null;
  }

  /**
   * A StreamRead (recvline, recvuntil, recvexactly, peek; stream-read.ts matches it) against the queue:
   * what it asked for, taken as take() takes it; the end of the stream with what is left; or null when
   * it must wait. recv's own path is take().
   */
  read(read: StreamRead): StreamReadResult | null {
    if (this.shutRd) return { kind: 'ended', left: EMPTY };
    if (this.kernel !== null && matchRead(this.queue, read, this.paused).kind === 'wait') this.pull(pullSize(read, this.queue.total));
    const match = matchRead(this.queue, read, this.paused);
    switch (match.kind) {
      case 'take':
        this.wanted = 0;
        return { kind: 'data', data: this.take(match.size, read.call) ?? EMPTY };
      case 'peeked':
        return { kind: 'data', data: match.data };
      case 'full':
        return match;
      case 'wait':
        if (match.wanted > this.wanted) {
          this.wanted = match.wanted;
          this.resumeIfRoom();
        }
        break;
      default: {
        const exhaustive: never = match;
        return exhaustive;
      }
    }
    this.raiseStored(read.call);
    if (this.eof || this.gone) {
      this.wanted = 0;
      return { kind: 'ended', left: this.queue.peek(this.queue.total) };
    }
    this.kernel?.want();
    return null;
  }

  /** As take, but the queued chunks themselves, uncopied: [] at end of stream, null when it must wait. */
  takeChunks(n: number, call: string): Buffer[] | null {
    if (this.shutRd || n === 0) return [];
    if (this.queue.total === 0) this.pull(n);
    if (this.queue.total > 0) {
      const chunks = this.queue.takeChunks(n);
      this.resumeIfRoom();
      return chunks;
    }
    this.raiseStored(call);
    if (this.eof || this.gone) return [];
    this.kernel?.want();
    return null;
  }

  /**
   * An AF_UNIX connection: up to max of the bytes the kernel holds now, into the queue for the call
   * asking (it takes them at once), or the end of the stream or the reset the kernel has for it.
   */
  private pull(max: number): void {
    if (this.kernel === null || this.eof || this.gone || this.owner.closed) return;
    const got = this.kernel.read(max);
    switch (got.kind) {
      case 'data':
        this.pausedSinceEmpty = false;
        this.queue.push(got.data);
        this.tellArrival(got.data, true);
        return;
      case 'end':
        this.ended('stream', true);
        return;
      case 'error':
        this.gone = true;
        this.fail(got.code, true);
        return;
      case 'empty':
        return;
      default: {
        const exhaustive: never = got;
        return exhaustive;
      }
    }
  }

  /**
   * The native fast path of a recv waiting on this connection (native.ts): waits in the addon until
   * bytes are there and reads them as Node's 'data' would, for one slice at most and while nothing else
   * needs the event loop. The end of the stream, a reset and bytes Node holds already are the event
   * loop's to deliver, in order: then the wait goes on there.
   */
  waitInAddon(blocking: Blocking): void {
    while (this.owner.reader.waiting && this.queue.total === 0 && !this.eof && !this.gone && !this.paused) {
      const got = this.end.readInAddon(blocking.calls);
      if (got === null) return;
      if (got.kind === 'error') return this.onError(nativeError(blocking.calls, got.errno, 'read'));
      this.onData(got.data);
    }
  }

  /**
   * recvfile's fast path (native-transfer.ts): when nothing is queued and the connection reads on,
   * waits in the addon for bytes and moves up to max of them into the file at fileFd (path), told as
   * an arrival the call took at once, with their first bytes (preview) as its data. Returns the count,
   * the file's error, 'turn' (nothing yet: let the event loop turn and try again), or null: the wait
   * goes on on the event loop (a reset the addon found is stored for the next take to raise).
   */
  spliceInAddon(calls: NativeCalls, fileFd: number, path: string, max: number, preview: Buffer): SpliceStep {
    if (this.queue.total > 0 || this.eof || this.gone || this.paused || this.shutRd || this.owner.closed) return null;
    const got = this.end.spliceInAddon(calls, fileFd, max, preview);
    if (got === null) return null;
    switch (got.kind) {
      case 'moved':
        // A copy, small: one per move of up to a pipe's size.
        this.tellArrival(Buffer.from(preview.subarray(1, 1 + Math.min(preview[0]!, got.bytes))), true, got.bytes, path);
        return got.bytes;
      case 'file':
        return { fileErrno: got.errno };
      case 'turn':
        return 'turn';
      case 'error':
        this.onError(nativeError(calls, got.errno, 'read'));
        return null;
      default: {
        const exhaustive: never = got;
        return exhaustive;
      }
    }
  }

  /**
   * sockshell connect/listen's bulk path (bulk-pump.ts) reads past Node from now on: only when nothing
   * read is held (the queue, Node's buffer) and the stream is plain (not ended, failed or paused), so
   * bytes keep their order. Node's reading stops until returnReading. False: recv reads as ever.
   */
  lendReading(): boolean {
    if (this.end.isBare || this.queue.total > 0 || this.eof || this.gone || this.paused || this.shutRd) return false;
    if (this.owner.closed || this.failCode !== null || this.failReported) return false;
    const raw = this.raw;
    const handle = readingHandle(raw);
    if (handle === null || raw.readableLength > 0 || raw.readableFlowing !== true) return false;
    handle.readStop();
    // Marked as reading, so that Node's stream does not start it again by itself (net.Socket's _read
    // starts a handle that is not reading: a resume() not yet run would have).
    handle.reading = true;
    this.lent = true;
    return true;
  }

  /**
   * Node reads again (the bulk path found the end of the stream, a reset, or trouble with its output:
   * recv reads and tells it). errno: a read error the path took from the kernel, told here as Node's
   * read would tell it (a reset taken so is not in the kernel for Node to find).
   */
  returnReading(calls: NativeCalls, errno: number): void {
    if (!this.lent) return;
    this.lent = false;
    if (errno !== 0) this.readFailed(calls, errno);
    const handle = readingHandle(this.raw);
    if (handle === null || this.gone || this.raw.destroyed) return;
    handle.readStart();
  }

  /** A connection error (errno) the addon took from the kernel, told as Node's read would tell it: recv raises it. */
  readFailed(calls: NativeCalls, errno: number): void {
    this.onError(nativeError(calls, -errno, 'read'));
  }

  /** The connection's descriptor for bytes past Node (never TLS's), or -1. */
  fd(): number {
    return this.end.fd();
  }

  /** The connection's OS descriptor for socket options (TLS's too), or -1. */
  osFd(): number {
    return this.end.osFd();
  }

  /** Throws unless send may write now: EPIPE after shutdown('wr') or once the connection is gone. */
  checkWritable(call: string): void {
    this.lookForReset(true);
    if (this.shutWr) throw new SocketError('EPIPE', call, { socket: this.owner.name });
    // An AF_UNIX send after the peer's close fails with EPIPE and leaves its reset, if any, for recv (unix-reads.ts).
    if (this.kernel !== null && (this.failCode === 'ECONNRESET' || this.kernel.peerGone()))
      throw new SocketError('EPIPE', call, { socket: this.owner.name });
    if (this.failCode !== null) this.reportFailure(call);
    if (this.gone || this.failReported) throw new SocketError('EPIPE', call, { socket: this.owner.name });
  }

  /** Node's write buffer is full: the next send waits for 'drain'. */
  get mustWait(): boolean {
    return this.end.writableNeedDrain;
  }

  /** Bytes written but still in Node's buffer, not yet handed to the kernel. */
  get writableLength(): number {
    return this.end.writableLength;
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

  /** The kernel refused a write at once (here, or sendfile's in the addon): raised now, as Python's send raises it. */
  refused(code: string, call: string): never {
    this.gone = true;
    this.fail(code, true);
    return this.reportFailure(call);
  }

  /** A stored failure, raised by a read: not a reset that came after the FIN, where recv returns b'' as Linux's does. */
  private raiseStored(call: string): void {
    if (this.failCode !== null && !this.resetAfterFin) this.reportFailure(call);
  }

  /**
   * After the peer's FIN, asks the kernel whether a reset has come since (end-probe.ts resetAfterEnd)
   * and, the first time one has, tells it as the failure EPIPE that the next send raises. taken: a call
   * is about to report it. True when it found one.
   */
  private lookForReset(taken: boolean): boolean {
    if (!this.eof || !this.endKnown || this.shutWr || this.gone || this.failCode !== null || this.failReported) return false;
    if (this.owner.closed || resetAfterEnd(this.raw) !== 'reset') return false;
    this.gone = true;
    this.resetAfterFin = true;
    this.fail('EPIPE', taken);
    return true;
  }

  /** Data went out after the peer's FIN: look for the reset a peer that closed for good answers it with, a few times. */
  private watchForReset(): void {
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

  shutdown(how: ShutdownHow): void {
    if (how !== 'rd' && !this.shutWr) {
      this.shutWr = true;
      this.raw.end(); // FIN; the peer may still send (allowHalfOpen)
    }
    if (how !== 'wr') {
      this.shutRd = true;
      this.queue.clear();
      if (this.paused) {
        this.paused = false;
        this.raw.resume(); // keep reading so the peer is not stalled; what arrives is discarded
      }
    }
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
      this.end.closeBare(!force && (this.queue.total > 0 || reset) && this.state() !== 'RESET');
      return this.released;
    }
    const raw = this.raw;
    if (this.released === null) {
      this.released = raw.closed ? Promise.resolve() : new Promise<void>((resolve) => raw.once('close', () => resolve()));
      if (!force && !raw.destroyed) {
        if ((this.queue.total > 0 || reset) && this.state() !== 'RESET' && canReset(raw, this.owner.family))
          raw.resetAndDestroy(); // the engine's closed event says so alike
        else if (closesAtOnce(raw)) raw.destroy();
        else {
          raw.once('finish', () => raw.destroy());
          raw.end();
        }
      }
    }
    if (force && !raw.destroyed) raw.destroy();
    return this.released;
  }

  /** Reading stopped when the queue filled (backpressure); start again once it has room. */
  private resumeIfRoom(): void {
    if (this.paused && this.queue.total < Math.max(this.owner.core.tcpQueueBytes, this.wanted)) {
      this.paused = false;
      this.raw.resume();
    }
  }

  private reportFailure(call: string): never {
    const code = this.failCode ?? 'EPIPE';
    this.failCode = null;
    this.failReported = true;
    throw fromCode(code, call, {
      socket: this.owner.name,
      family: this.owner.family,
      transport: 'tcp',
      host: this.remote.host,
      port: this.remote.port,
    });
  }

  /** Node's socket's event (the listeners at the end of this file call it). */
  onData(chunk: Buffer): void {
    this.kernel?.hold(); // the next bytes stay in the kernel until a call asks (AF_UNIX)
    if (this.shutRd || this.owner.closed) return;
    const owner = this.owner;
    if (this.queue.total === 0) this.pausedSinceEmpty = false;
    this.queue.push(chunk);
    // The event first, then the waiting recv takes the bytes: the event tells of their arrival.
    const taken = owner.reader.waiting;
    this.tellArrival(chunk, taken);
    if (taken) owner.reader.wake();
    if (!this.paused && this.queue.total >= Math.max(owner.core.tcpQueueBytes, this.wanted)) {
      this.paused = true;
      this.raw.pause();
      owner.core.emit({
        kind: 'paused',
        serial: owner.serial,
        socket: owner.name,
        queued: this.queue.total,
        again: this.pausedSinceEmpty,
        taken: owner.reader.call !== null,
      });
      this.pausedSinceEmpty = true;
    }
  }

  /**
   * Bytes off the connection, counted and told; taken: a waiting call has them at once. file: they
   * went straight into it (bytes of them; chunk is only their first bytes).
   */
  private tellArrival(chunk: Buffer, taken: boolean, bytes = chunk.length, file: string | null = null): void {
    const owner = this.owner;
    owner.bytesReceived += bytes;
    owner.arrivals++;
    owner.core.emit({
      kind: 'received',
      serial: owner.serial,
      socket: owner.name,
      transport: 'tcp',
      bytes,
      from: this.remote,
      queued: this.queue.total,
      taken,
      data: chunk,
      ...(file === null ? {} : { file }),
    });
  }

  /**
   * Node says the stream ended: a FIN, or a reset that libuv reported as an end (see end-probe.ts).
   * The kernel is asked which before anything is reported, so a reset is never called a FIN. (Node's
   * socket's event: the listeners at the end of this file call it, as they call the others.)
   */
  onEnd(): void {
    if (this.owner.closed) {
      this.eof = true;
      return;
    }
    // An AF_UNIX socket has no FIN or RST: its kernel says whether the peer closed with bytes unread.
    const kernel = this.kernel;
    const cause = kernel === null ? howItEnded(this.raw) : kernel.howItEnded((data) => this.onData(data)) === 'reset' ? 'reset' : 'stream';
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

  /** The peer ended the stream (end: how, as far as known); taken: a call returns b'' for it now. */
  private ended(end: StreamEnd, taken: boolean): void {
    this.eof = true;
    this.endKnown = end === 'fin';
    // Told before the waiting call is woken: the FIN came first, then recv returned b''.
    this.owner.core.emit({ kind: 'eof', serial: this.owner.serial, socket: this.owner.name, queued: this.queue.total, taken, end });
    this.owner.reader.wake();
  }

  /** Node's socket's event (the listeners at the end of this file call it). */
  onError(err: Error): void {
    if (!this.end.destroyed) void this.local;
    this.gone = true;
    this.fail(errorCode(err));
  }

  /** The connection failed with code: stored for the next call (after the queued data), and said. */
  private fail(code: string, taken = false): void {
    if (this.owner.closed || this.failReported) return;
    this.failCode = code;
    taken ||= this.owner.reader.call !== null || this.owner.writer.call !== null;
    this.owner.core.emit({ kind: 'failed', serial: this.owner.serial, socket: this.owner.name, code, taken });
    this.owner.reader.wake();
    this.owner.writer.wake();
  }

  /**
   * Node's socket is there (from the start, or handed a bare descriptor): its events are the
   * connection's. The listeners are one set for every connection, finding the Stream on the socket,
   * not five closures each (issue 16's memory per held connection); Node calls them on the socket.
   */
  onSocket(raw: NetSocket): void {
    (raw as OwnedSocket)[STREAM] = this;
    if (this.owner.family === 'unix') this.kernel = new UnixReads(raw);
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

  /** Node's socket's event (the listeners at the end of this file call it). */
  onClose(): void {
    this.gone = true;
    this.owner.reader.wake();
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

/** What a stream read on an AF_UNIX connection takes from the kernel when the queue cannot answer it: what it lacks, or a buffer's worth (as Python's makefile reads). */
function pullSize(read: StreamRead, queued: number): number {
  return read.call === 'recvexactly' || read.call === 'peek' ? Math.max(1, read.n - queued) : 65536;
}
