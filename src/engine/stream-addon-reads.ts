/**
 * A connection's reading past Node, beside its receiving half (stream-receiving.ts): the native fast
 * paths, which wait in the addon and read there while nothing is queued (recv's wait, recvfile's
 * splice), and the bulk path's loan of the reading (sockshell connect/listen, bulk-pump.ts). What they
 * read joins the same queue and is told as Node's reads are; an end, a reset or an error goes back to
 * the event loop to read and tell.
 */
import { FILE_ERROR, nativeError, type Blocking, type NativeCalls } from './native.js';
import { queuedNews, readQueued } from './queued-news.js';
import { readingHandle } from './stream-handle.js';
import { ReceivingHalf } from './stream-receiving.js';

/** What recvfile's fast path did (Stream.spliceInAddon): bytes moved, the file's error after moved bytes, a turn, or nothing. */
export type SpliceStep = number | { readonly moved: number; readonly fileErrno: number } | 'turn' | null;

export abstract class AddonReading extends ReceivingHalf {
  /** The bulk path reads past Node (lendReading), and Node's reading is stopped. */
  private lent = false;

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
   * What the kernel holds for the connection and the shell has not read yet, read and told now, as
   * Node's next read would tell it a turn of the event loop later (queued-news.ts): at accept's
   * hand-over of a connection that waited in the queue, and when `sockets` looks. A bare descriptor
   * keeps bytes alone in the kernel (counted as unread, for the script's next read); one whose peer
   * ended or reset it goes to a Node socket, as the loop would hand it over (bare-watch.ts), and its
   * bytes are read first, then the end. Nothing is read where Node would not read now: a full queue
   * (paused), bytes Node holds already (they come first), the bulk path's loan, after shutdown rd.
   * closing: the socket closes next, and only what decides its FIN or reset matters (EngineCore.close).
   */
  settleFromKernel(calls: NativeCalls | null, closing = false): void {
    const fd = this.end.fd();
    if (this.kernel !== null || fd < 0) return; // AF_UNIX reads as calls ask; TLS's bytes are Node's to decrypt
    if (this.paused || this.lent || this.shutRd || this.eof || this.gone) return;
    if (!this.end.isBare && (this.raw.readableLength > 0 || this.raw.readableFlowing === false)) return;
    const news = queuedNews(calls, fd);
    if (news === 'none' || (news === 'bytes' && this.end.isBare)) return;
    // Closing now: a bare descriptor's peer FIN changes nothing the close says (the kernel's unread count
    // decides FIN or reset: closed-event.ts); telling it would make a Node socket to read it, some 27 µs
    // and ten system calls, paid by every TCPServer connection whose client closed first (issue 16).
    if (news === 'fin' && this.end.isBare && closing) return;
    const ended = news === 'ended' || news === 'fin';
    if (ended) this.end.handToNode();
    while (!this.paused && !this.eof && !this.gone && !this.owner.closed) {
      const got = readQueued(calls, fd, ended);
      switch (got.kind) {
        case 'data':
          this.onData(got.data);
          // A short read emptied the kernel; an end seen (or, unasked, maybe there) is read next.
          if (!got.more && news === 'bytes') return;
          continue;
        case 'end':
          // Closing: a FIN changes nothing the close says, and telling it costs the end's probe and event
          // per connection. Only 'ended' news may be a reset here; without the addon a reset reads as an error.
          if (closing && news !== 'ended') return;
          return this.onEnd();
        case 'error':
          return this.onError(got.error);
        case 'none':
          return;
        default: {
          const exhaustive: never = got;
          return exhaustive;
        }
      }
    }
  }

  /**
   * recvfile's fast path (native-transfer.ts): when nothing is queued and the connection reads on,
   * waits in the addon for bytes and moves up to max of them into the file at fileFd (path), told as
   * one arrival the call took at once, with the first bytes peeked into out (SPLICE_OUT_BYTES) as its
   * data. Returns the count; the file's error, with the bytes moved before it; 'turn' (nothing yet: let
   * the event loop turn and try again); or null: the wait goes on on the event loop. A reset the addon
   * found, before or after bytes, is stored for the next take to raise.
   */
  spliceInAddon(calls: NativeCalls, fileFd: number, path: string, max: number, out: Buffer): SpliceStep {
    if (this.queue.total > 0 || this.eof || this.gone || this.paused || this.shutRd || this.owner.closed) return null;
    const got = this.end.spliceInAddon(calls, fileFd, max, out);
    if (got === null) return null;
    switch (got.kind) {
      case 'moved': {
        // A copy, small: one per call, which moves up to max.
        this.tellArrival(Buffer.from(out.subarray(5, 5 + Math.min(out[4]!, got.bytes))), true, got.bytes, path);
        if (got.then <= -FILE_ERROR) return { moved: got.bytes, fileErrno: got.then + FILE_ERROR };
        if (got.then < 0) this.onError(nativeError(calls, got.then, 'read'));
        return got.bytes;
      }
      case 'file':
        return { moved: 0, fileErrno: got.errno };
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
}
