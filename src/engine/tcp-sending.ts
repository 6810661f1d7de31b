/**
 * A TCP socket's sending calls: send (what the kernel takes now), sendall (all of it, waiting for
 * room), sendto (Linux's: the address ignored on a connection) and sendfile. Each tells the engine
 * event of the completed call.
 */
import { SocketError, errorCode } from './errors.js';
import { sendFile } from './file-transfer.js';
import { kernelFull, sendWhatFits } from './kernel-send.js';
import { SendEnds } from './send-ends.js';
import { TcpOptions } from './tcp-options.js';
import type { Stream } from './tcp-stream.js';
import type { BlockOptions, TransferOptions } from './types.js';

const EMPTY = Buffer.alloc(0);

export abstract class TcpSending extends TcpOptions {
  private wakeWriterMade: (() => void) | null = null;

  /** The hot path (room to write) returns the count at once, without a promise: see waitFor. */
  send(data: Buffer, options: BlockOptions, call: 'send' | 'sendall'): number | Promise<number> {
    let stream: Stream;
    try {
      this.checkSlot(this.writer, call);
      stream = this.connection(call, 'EPIPE_UNCONNECTED');
      stream.checkWritable(call);
      this.checkSignal(options, call);
      if (call === 'sendall') return this.sendAll(stream, data, options);
      if (!kernelFull(stream)) return this.write(stream, data);
      if (this.timeout === 0) throw this.wouldBlock(call);
    } catch (err) {
      return Promise.reject(err);
    }
    // Wait for room before writing, so a timeout or cancel means nothing of data was sent.
    return this.waitFor(this.writer, call, options, () => {
      stream.checkWritable(call);
      if (kernelFull(stream)) return null;
      return this.write(stream, data);
    });
  }

  /**
   * sendto on TCP as Linux does it, and so Python there: on a connection the address is ignored and
   * the bytes go to the peer, as send's do; unconnected or listening, EPIPE (BrokenPipeError). The
   * command says that the address was ignored.
   */
  sendto(data: Buffer, _host: string, _port: number, options: BlockOptions): Promise<number> {
    try {
      this.checkOpen('sendto');
      if (this.stream === null) throw new SocketError('EPIPE_SENDTO_TCP', 'sendto', { socket: this.name });
      return Promise.resolve(this.send(data, options, 'send'));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async sendfile(path: string, options: TransferOptions): Promise<number> {
    const bytes = await sendFile(this, () => this.connection('sendfile', 'EPIPE_UNCONNECTED'), path, options);
    const { local, peer } = this.ends();
    this.tellSent('sendfile', local, peer, null, EMPTY, bytes, path);
    return bytes;
  }

  /** A send call handed bytes to the OS: where it ended in the stream is kept for a reader at the other end (send-ends.ts). */
  override tellSent(...args: Parameters<TcpOptions['tellSent']>): void {
    (this.sendEnds ??= new SendEnds()).sent(args[5]);
    super.tellSent(...args);
  }

  /** send's write: what the kernel takes now (kernel-send.ts), told as the engine event of the completed call. */
  private write(stream: Stream, data: Buffer): number {
    const bytes = sendWhatFits(stream, data, this.wakeWriter);
    this.tellSent('send', stream.local, stream.remote, null, bytes === data.length ? data : data.subarray(0, bytes), bytes, null);
    return bytes;
  }

  private get wakeWriter(): () => void {
    return (this.wakeWriterMade ??= () => void this.writer.wake());
  }

  /**
   * Python's sendall: send what fits, wait while the kernel's buffer is full, send more, and return
   * only once the kernel has taken the last byte; Node holds at most one piece beyond what the kernel
   * took (kernel-send.ts), however much data is. settimeout bounds the whole call, as Python's (3.5+)
   * does; a timeout, a cancel or a broken connection stops it part-way, and the error says how many
   * bytes had gone, which Python's does not. The sent event tells what went, whole or part.
   */
  private sendAll(stream: Stream, data: Buffer, options: BlockOptions): number | Promise<number> {
    let taken = 0;
    // Writes Node has not said are done, and the error of one that failed: when every one is done and
    // none failed, the kernel has every byte and the call has succeeded, whatever came after. A TLS
    // write completes after the call (Node encrypts, then writes), so a reset the peer sent in answer
    // (it had closed) can break the connection before the wake; Python's sendall had returned. A write
    // that failed never reached the kernel: its error is the call's, though the connection's 'error'
    // (after the write's callback, or never while reading is stopped) has not been told yet.
    let writing = 0;
    let writeError: unknown = null;
    // What the kernel had not taken of the piece Node holds, when it was written: a stop that leaves the
    // connection broken leaves it out of the count, which is then a floor (libuv may have written more
    // of it since, unseen). After a timeout or a cancel Node still sends it: it counts, as send's does.
    let held = 0;
    const written = (err?: unknown): void => {
      writing--;
      if (err !== undefined && err !== null) writeError ??= err;
      else if (writing === 0) held = 0;
      this.writer.wake();
    };
    const counted = {
      get writableLength(): number {
        return stream.writableLength;
      },
      write(piece: Buffer): void {
        writing++;
        stream.write(piece, written);
        if (stream.writableLength > 0) held = stream.unsentHeld;
      },
    };
    const attempt = (): number | null => {
      if (taken === data.length && writing === 0 && writeError === null && !kernelFull(stream)) return taken;
      stream.checkWritable('sendall');
      if (writeError !== null) stream.refused(errorCode(writeError), 'sendall');
      while (taken < data.length && !kernelFull(stream)) taken += sendWhatFits(counted, data.subarray(taken), this.wakeWriter);
      return taken === data.length && !kernelFull(stream) ? taken : null;
    };
    const told = (bytes: number): number => {
      if (bytes > 0 || data.length === 0) this.tellSent('sendall', stream.local, stream.remote, null, data.subarray(0, bytes), bytes, null);
      return bytes;
    };
    const stopped = (err: unknown): unknown => {
      const lost = stream.canDeliver ? 0 : held;
      told(taken - lost);
      return err instanceof SocketError ? err.withSent(taken - lost, data.length, lost > 0) : err;
    };
    try {
      if (attempt() !== null) return told(taken);
      if (this.timeout === 0) throw this.wouldBlock('sendall');
    } catch (err) {
      return Promise.reject(stopped(err));
    }
    return this.waitFor(this.writer, 'sendall', options, attempt).then(told, (err: unknown) => {
      throw stopped(err);
    });
  }
}
