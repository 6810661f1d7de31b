/**
 * The receiving half of one TCP connection (its Stream, tcp-stream.ts). Bytes go into the socket's own
 * queue as they arrive; reading stops (backpressure) while the queue holds tcpQueueBytes or more, and
 * resumes when recv drains it below that. recv, the stream reads and recvfile take from the queue.
 * Reading past Node (the native fast paths, the bulk path's loan) is stream-addon-reads.ts's; an
 * AF_UNIX connection's bytes are pulled from the kernel as calls ask (unix-reads.ts).
 */
import { ByteQueue } from './queues.js';
import { PeerSends } from './send-ends.js';
import { matchRead } from './stream-read.js';
import { ShutReading } from './stream-shut-read.js';
import { pullSize } from './unix-reads.js';
import type { StreamRead, StreamReadResult } from './types.js';

const EMPTY = Buffer.alloc(0);

export abstract class ReceivingHalf extends ShutReading {
  protected readonly queue = new ByteQueue();
  /** The peer's sends, when the peer is a socket of this shell (send-ends.ts). */
  private readonly peerSends = new PeerSends(this.owner);
  protected paused = false;
  /** Set by a pause, cleared when the queue next runs empty: one backpressure episode, however many pauses. */
  private pausedSinceEmpty = false;
  /**
   * The bytes a recvexactly waits for, when more than tcpQueueBytes: reading goes on (no backpressure)
   * until the queue holds them, or the read could never be satisfied. Back to 0 when a stream read is
   * satisfied or ends; one that timed out leaves it (at most MAX_BUFSIZE) until then.
   */
  private wanted = 0;

  /** Bytes that arrived and nothing read: the queue's, and the kernel's under a bare descriptor or an AF_UNIX connection. */
  get unread(): number {
    return this.queue.total + this.end.kernelUnread() + this.kernelHeld + this.shutKernelUnread();
  }

  /** An AF_UNIX connection's bytes the kernel holds (0 when the addon cannot count them): closing with any resets the peer. */
  get kernelHeld(): number {
    return this.kernel?.held(this.owner.core.addon.calls) ?? 0;
  }

  /**
   * Up to n queued bytes; b'' after FIN, for n = 0, or after shutdown('rd') once nothing is left (what
   * the kernel still holds first, as Linux's recv returns it); null when recv must wait. A stored failure
   * is raised once the queue is empty, then recv returns b'' as Linux does.
   */
  take(n: number, call: string): Buffer | null {
    if (n === 0) return EMPTY;
    if (this.queue.total === 0) this.pull(n);
    if (this.shutRd && this.queue.total === 0) this.pullShut(n);
    if (this.queue.total > 0) {
      const data = this.queue.take(n);
      const pieces = this.queue.lastPieces;
      // The sends of a peer socket of this shell that these bytes were: a piece is a read, which joins sends that waited in the kernel.
      const sends = this.peerSends.read(data.length, this.owner.bytesReceived - this.queue.total, this.remote, () => this.local);
      if (pieces > 1 || (sends !== null && sends.count > 1)) {
        const { serial, name: socket } = this.owner;
        this.owner.core.emit({ kind: 'joined', serial, socket, bytes: data.length, pieces, call, sends });
      }
      this.resumeIfRoom();
      return data;
    }
    if (this.shutRd) return this.afterShutRd(call, EMPTY);
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
    if (this.shutRd) this.pullShut(pullSize(read, this.queue.total));
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
        if (match.wanted > this.wanted && !this.shutRd) {
          this.wanted = match.wanted;
          this.resumeIfRoom();
        }
        break;
      default: {
        const exhaustive: never = match;
        return exhaustive;
      }
    }
    if (this.shutRd) return this.afterShutRd(read.call, { kind: 'ended', left: this.queue.peek(this.queue.total) });
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
    if (n === 0) return [];
    if (this.queue.total === 0) this.pull(n);
    if (this.shutRd && this.queue.total === 0) this.pullShut(n);
    if (this.queue.total > 0) {
      const chunks = this.queue.takeChunks(n);
      this.resumeIfRoom();
      return chunks;
    }
    if (this.shutRd) return this.afterShutRd(call, []);
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
   * A read after shutdown rd: as Linux's, it raises a reset not yet reported (the kernel's own, for data
   * that came after our FIN: lookForOwnReset), else returns the end of the stream.
   */
  private afterShutRd<T>(call: string, ended: T): T {
    this.lookForOwnReset(true);
    this.raiseStored(call);
    return ended;
  }

  /** Reading stopped when the queue filled (backpressure); start again once it has room. */
  private resumeIfRoom(): void {
    if (this.paused && this.queue.total < Math.max(this.owner.core.tcpQueueBytes, this.wanted)) {
      this.paused = false;
      this.raw.resume();
    }
  }

  /**
   * shutdown('rd'): recv no longer waits. As Linux's, it does not discard: what is queued, and what the
   * kernel holds or (without the addon) Node still reads, is returned first (stream-shut-read.ts).
   */
  protected stopReceiving(): void {
    this.shutRd = true;
  }

  /** After shutdown rd in the kernel: what it holds, into the queue for the call asking (it takes them at once). */
  private pullShut(max: number): void {
    const data = this.readShutKernel(max);
    if (data === null) return;
    this.queue.push(data);
    this.tellArrival(data, true);
  }

  protected queuedBytes(): number {
    return this.queue.total;
  }

  /** Node's socket's event (the listeners at the end of tcp-stream.ts call it). */
  onData(chunk: Buffer): void {
    this.kernel?.hold(); // the next bytes stay in the kernel until a call asks (AF_UNIX)
    if ((this.shutRd && this.dataAfterShutRd()) || this.owner.closed) return;
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
  protected tellArrival(chunk: Buffer, taken: boolean, bytes = chunk.length, file: string | null = null): void {
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
