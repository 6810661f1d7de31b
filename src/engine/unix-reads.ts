/**
 * An AF_UNIX connection's bytes stay in the kernel until a call asks for them, as a Python program's
 * do. That is what makes a close honest: Linux resets a Unix connection (the peer's next recv fails
 * with ECONNRESET, once, then returns b'') exactly when the closing socket's receive queue still holds
 * bytes, and a shell that had read everything into a queue of its own would close an empty kernel
 * queue and hand the peer an orderly end instead. (TCP sends the reset itself, resetAndDestroy; Node
 * has no way to reset a pipe.)
 *
 * So Node's reading of the socket is stopped while no call waits for bytes (hold), a call first reads
 * what it asks for straight from the descriptor without waiting (read: recv(n) takes n, as Python's
 * does), and a call that must wait is woken when bytes are there (want), to read what it asks for
 * then: the addon watches the descriptor (watchlisten: an epoll, edge-triggered, that reads nothing),
 * so a recv(5) that waited leaves the rest of what came in the kernel, and a call that timed out
 * leaves everything there. Without the addon Node reads again until the next chunk arrives (up to
 * 64 KiB): those bytes are the shell's, and a close with only them unread cannot reset the peer.
 *
 * How a Unix peer's close is told apart, as Linux answers Python (checked with two python3 processes,
 * test/unix-reset.test.ts): after a close with nothing unread the next read returns 0 (b'') for ever;
 * after a close with bytes unread it fails with ECONNRESET once (after any bytes the peer had sent),
 * then returns 0. Either way every send fails with EPIPE and takes nothing away from the read side: a
 * zero-byte write asks that (peerGone) without sending anything or consuming the pending error.
 */
import { readSync, writeSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { errorCode } from './errors.js';
import type { NativeCalls, Watcher } from './native.js';
import { descriptor, readingHandle } from './stream-handle.js';
import type { StreamRead } from './types.js';

/** What a read from the descriptor found, without waiting. */
export type KernelRead =
  | { readonly kind: 'data'; readonly data: Buffer }
  | { readonly kind: 'end' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'error'; readonly code: string };

const NOTHING = Buffer.alloc(0);

export class UnixReads {
  private reading = true;
  /** The addon's watch on the descriptor while a call waits for bytes (want), else null. */
  private watcher: Watcher | null = null;

  /** calls: the addon's, to wait without reading (null: Node reads); wake: a waiting call looks again. */
  constructor(
    private readonly raw: NetSocket,
    private readonly calls: NativeCalls | null,
    private readonly wake: () => void,
  ) {
    this.hold();
  }

  /**
   * Node reads no more: what the peer sends stays in the kernel. The handle is marked as reading, so
   * Node's stream does not start it again by itself (net.Socket's _read starts a handle that is not
   * reading), as the bulk path's lendReading does.
   */
  hold(): void {
    const handle = readingHandle(this.raw);
    if (!this.reading || handle === null) return;
    handle.readStop();
    handle.reading = true;
    this.reading = false;
  }

  /**
   * A call waits for bytes: it is woken when some are there (or the end, or an error), and reads what
   * it asks for itself. Without the addon's watch, Node reads again, until the next chunk (the Stream
   * holds after it).
   */
  want(): void {
    const handle = readingHandle(this.raw);
    if (this.reading || this.watcher !== null || handle === null || this.raw.destroyed) return;
    const fd = descriptor(this.raw);
    const watcher = this.calls === null || fd === null ? -1 : this.calls.watchlisten(fd, this.onReadable);
    if (typeof watcher !== 'number') {
      this.watcher = watcher;
      return;
    }
    this.reading = true;
    handle.readStart();
  }

  /** The watch fired (edge-triggered: once for what came since it began): the waiting call reads. */
  private readonly onReadable = (): void => {
    this.unwatch();
    this.wake();
  };

  /** No call waits any more (the connection closes): the watch, which holds the event loop, ends. */
  unwatch(): void {
    if (this.watcher === null) return;
    this.calls?.unwatch(this.watcher);
    this.watcher = null;
  }

  /** Up to max bytes the kernel holds now, its end of stream, its pending error, or nothing yet. */
  read(max: number): KernelRead {
    const fd = descriptor(this.raw);
    if (fd === null || this.reading) return { kind: 'empty' };
    const buffer = Buffer.allocUnsafe(Math.max(1, max));
    try {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      return n === 0 ? { kind: 'end' } : { kind: 'data', data: Buffer.from(buffer.subarray(0, n)) };
    } catch (err) {
      const code = errorCode(err);
      return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? { kind: 'empty' } : { kind: 'error', code };
    }
  }

  /**
   * Node said the stream ended: Linux's answer to the peer's close with bytes unread may still be
   * pending (libuv ends a stream on POLLHUP after a short read without the read that would have
   * failed: engine/end-probe.ts). Asked with a read: 'reset' when it fails with ECONNRESET (consumed,
   * as Python's recv consumes it), else an end. Bytes a read finds (none should be left) go to onData.
   */
  howItEnded(onData: (data: Buffer) => void): 'reset' | 'end' {
    this.reading = false;
    for (let tries = 0; tries < 64; tries++) {
      const got = this.read(65536);
      if (got.kind !== 'data') return got.kind === 'error' && got.code === 'ECONNRESET' ? 'reset' : 'end';
      onData(got.data);
    }
    return 'end';
  }

  /**
   * The peer closed (or shut down its reading): a send fails with EPIPE, as Linux's does, and the
   * bytes and the reset left to read stay for recv. Asked with a zero-byte write, which sends nothing
   * and leaves the pending error alone. False when it cannot be asked (no descriptor).
   */
  peerGone(): boolean {
    const fd = descriptor(this.raw);
    if (fd === null) return false;
    try {
      writeSync(fd, NOTHING);
      return false;
    } catch (err) {
      return errorCode(err) === 'EPIPE';
    }
  }

  /** Bytes the kernel holds for this socket (SIOCINQ, with the addon), or 0 when it cannot be asked. */
  held(calls: NativeCalls | null): number {
    const fd = descriptor(this.raw);
    if (calls === null || fd === null) return 0;
    return Math.max(0, calls.unread(fd));
  }
}

/** What a stream read on an AF_UNIX connection takes from the kernel when the queue cannot answer it: what it lacks, or a buffer's worth (as Python's makefile reads). */
export function pullSize(read: StreamRead, queued: number): number {
  return read.call === 'recvexactly' || read.call === 'peek' ? Math.max(1, read.n - queued) : 65536;
}
