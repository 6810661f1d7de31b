/**
 * The receiving half of one TCP connection (its Stream, tcp-stream.ts). Bytes go into the socket's own
 * queue as they arrive; reading stops (backpressure) while the queue holds tcpQueueBytes or more, and
 * resumes when recv drains it below that. recv, the stream reads and recvfile take from the queue; the
 * native fast paths read in the addon while the queue is empty; the bulk path borrows the reading.
 */
import { ByteQueue } from './queues.js';
import { nativeError, type Blocking, type NativeCalls } from './native.js';
import { matchRead } from './stream-read.js';
import { readingHandle } from './stream-handle.js';
import { StreamState } from './stream-state.js';
import type { StreamRead, StreamReadResult } from './types.js';

const EMPTY = Buffer.alloc(0);

/** What recvfile's fast path did (Stream.spliceInAddon). */
export type SpliceStep = number | { readonly fileErrno: number } | 'turn' | null;

export abstract class ReceivingHalf extends StreamState {
  private readonly queue = new ByteQueue();
  private paused = false;
  /** Set by a pause, cleared when the queue next runs empty: one backpressure episode, however many pauses. */
  private pausedSinceEmpty = false;
  /**
   * The bytes a recvexactly waits for, when more than tcpQueueBytes: reading goes on (no backpressure)
   * until the queue holds them, or the read could never be satisfied. Back to 0 when a stream read is
   * satisfied or ends; one that timed out leaves it (at most MAX_BUFSIZE) until then.
   */
  private wanted = 0;
  /** The bulk path reads past Node (lendReading), and Node's reading is stopped. */
  private lent = false;

  /** Bytes that arrived and nothing read: the queue's, and the kernel's under a bare descriptor or an AF_UNIX connection. */
  get unread(): number {
    return this.queue.total + this.end.kernelUnread() + this.kernelHeld;
  }

  /** An AF_UNIX connection's bytes the kernel holds (0 when the addon cannot count them): closing with any resets the peer. */
  get kernelHeld(): number {
    return this.kernel?.held(this.owner.core.addon.calls) ?? 0;
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
   * loop's to deliver, in order: then the wait goes on there. Not for an AF_UNIX connection, whose
   * call reads only what it asks for (unix-reads.ts).
   */
  waitInAddon(blocking: Blocking): void {
    while (this.kernel === null && this.owner.reader.waiting && this.queue.total === 0 && !this.eof && !this.gone && !this.paused) {
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

  /** Reading stopped when the queue filled (backpressure); start again once it has room. */
  private resumeIfRoom(): void {
    if (this.paused && this.queue.total < Math.max(this.owner.core.tcpQueueBytes, this.wanted)) {
      this.paused = false;
      this.raw.resume();
    }
  }

  /** shutdown('rd'): what is queued and what arrives from now on are discarded. */
  protected stopReceiving(): void {
    this.shutRd = true;
    this.queue.clear();
    if (this.paused) {
      this.paused = false;
      this.raw.resume(); // keep reading so the peer is not stalled; what arrives is discarded
    }
  }

  protected queuedBytes(): number {
    return this.queue.total;
  }

  /** Node's socket's event (the listeners at the end of tcp-stream.ts call it). */
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
}

/** What a stream read on an AF_UNIX connection takes from the kernel when the queue cannot answer it: what it lacks, or a buffer's worth (as Python's makefile reads). */
function pullSize(read: StreamRead, queued: number): number {
  return read.call === 'recvexactly' || read.call === 'peek' ? Math.max(1, read.n - queued) : 65536;
}
