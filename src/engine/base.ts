/**
 * What UDP and TCP sockets share: the calls every socket has, its counters, and the Python methods
 * every socket answers the same way (settimeout, getsockname, getpeername, info, close). Its layers
 * below: socket-identity.ts (serial, label, the events it tells) and socket-waits.ts (how calls wait).
 */
import type { Completion } from '../core/completion.js';
import { SocketError } from './errors.js';
import { anyAddress } from './resolve.js';
import { SocketWaits } from './socket-waits.js';
import type { SendEnds } from './send-ends.js';
import type {
  Address,
  BlockOptions,
  CreateOptions,
  ShutdownHow,
  ShutMarks,
  SocketHandle,
  SocketInfo,
  OptionArg,
  SocketOption,
  SocketState,
  StreamRead,
  StreamReadResult,
  TlsInfo,
  TransferOptions,
} from './types.js';

// What a socket needs from its engine lives in socket-core.ts; udp.ts, tcp.ts and node-listener.ts take it from here.
export type { Accepted, Core, Holder } from './socket-core.js';

export type Queued = SocketInfo['queued'];

const NOT_SHUT: ShutMarks = { rd: false, wr: false };

export abstract class BaseSocket extends SocketWaits {
  bytesSent = 0;
  bytesReceived = 0;
  /** How many pieces they came in: datagrams for UDP, chunks read off the connection for TCP. */
  arrivals = 0;
  /** TCP: where its send calls ended in the stream, for a reader of this shell at the other end (send-ends.ts); made at the first send. */
  sendEnds: SendEnds | null = null;
  abstract state(): SocketState;
  /**
   * Bytes that arrived and no call has read yet, for which close() resets the connection (Linux's
   * rule); 0 for the others, and for a connection that cannot be reset (stream-handle.ts canReset).
   */
  unread(): number {
    return 0;
  }
  /** Datagrams the kernel dropped for this socket (its receive buffer was full): UDP, on Linux; null for the others. */
  kernelDropped(): number | null {
    return null;
  }
  /** A listening socket's connections waiting for accept, and whether closing resets them (else it closes them). */
  unaccepted(): { count: number; reset: boolean } {
    return { count: 0, reset: false };
  }
  /** What shutdown marked (SocketInfo.shut); a socket no shutdown reached has neither. */
  shutMarks(): ShutMarks {
    return NOT_SHUT;
  }
  /** Whether closing now resets a live connection because of SO_LINGER 0; false for the others. */
  lingerResets(): boolean {
    return false;
  }
  /** After accept's 'accepted' event for this socket: a TCP connection that waited in the queue tells what came meanwhile (queued-news.ts). */
  settleAccepted(): void {}
  /**
   * Reads and tells now what the kernel holds for the socket that the shell has not read: a TCP
   * connection's bytes, FIN or reset (queued-news.ts), a UDP socket's datagrams and pending error
   * (udp-receiving.ts). closing: it closes next, so only news that decides its FIN or reset is read.
   * True when the kernel cannot be asked here (UDP without the addon): a turn of the event loop reads it.
   */
  settle(_closing = false): boolean {
    return false;
  }
  abstract local(): Address | null;
  abstract peer(): Address | null;
  /** A TLS connection's handshake; null for every other socket. */
  secured(): TlsInfo | null {
    return null;
  }
  /** Wrapped in TLS (wrapTls): a TLS listener is, with no handshake of its own. */
  wrapped(): boolean {
    return false;
  }
  abstract queued(): Queued;
  abstract dropped(): number;

  abstract bind(host: string, port: number): Promise<Address>;
  abstract listen(backlog: number): Promise<Address>;
  abstract accept(options: BlockOptions & CreateOptions): Completion<{ socket: SocketHandle; address: Address | null }>;
  abstract connect(host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }>;
  /** A number when the data went at once; a promise when the call waits, and for every error. */
  abstract send(data: Buffer, options: BlockOptions, call: 'send' | 'sendall'): number | Promise<number>;
  abstract sendto(data: Buffer, host: string, port: number, options: BlockOptions): Completion<number>;
  abstract recv(bufsize: number, options: BlockOptions): Completion<Buffer>;
  abstract recvfrom(bufsize: number, options: BlockOptions): Completion<{ data: Buffer; address: Address | null }>;
  abstract readStream(read: StreamRead, options: BlockOptions): Promise<StreamReadResult>;
  abstract sendfile(path: string, options: TransferOptions): Promise<number>;
  abstract recvfile(path: string, nbytes: number | null, options: TransferOptions): Promise<number>;
  /** Void when done; a promise (TCP without the addon) that resolves once the FIN has gone. */
  abstract shutdown(how: ShutdownHow): Completion<void>;
  abstract setsockopt(option: SocketOption, value: OptionArg): void;
  abstract getsockopt(option: SocketOption): number;
  /** Releases the OS handles. Graceful lets written data drain first; force destroys at once. */
  abstract release(force: boolean): Promise<void>;

  /** close(): the socket is closed from now on; pending calls fail with EBADF; handles go in the background. */
  close(): Promise<void> {
    this.closed = true;
    for (const slot of [this.reader, this.writer]) {
      if (slot.call !== null) slot.fail(new SocketError('EBADF', slot.call, { socket: this.name }));
      slot.dispose();
    }
    return this.release(false);
  }

  settimeout(seconds: number | null): void {
    if (seconds !== null && !(Number.isFinite(seconds) && seconds >= 0)) {
      throw new SocketError('EINVAL_VALUE', 'settimeout', { socket: this.name, value: String(seconds) });
    }
    this.timeout = seconds;
  }

  getsockname(): Address {
    return this.local() ?? { host: anyAddress(this.family), port: 0, family: this.family };
  }

  getpeername(): Address {
    const peer = this.peer();
    if (peer === null) throw new SocketError('ENOTCONN', 'getpeername', { socket: this.name });
    return peer;
  }

  info(): SocketInfo {
    const tls = this.secured();
    return {
      ...(tls && { tls }),
      name: this.name,
      serial: this.serial,
      transport: this.transport,
      family: this.family,
      owner: this.owner,
      state: this.state(),
      local: this.local(),
      peer: this.peer(),
      queued: this.queued(),
      dropped: this.dropped(),
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      arrivals: this.arrivals,
      timeout: this.timeout,
      waiting: this.reader.call ?? this.writer.call,
      closeResets: this.unread() > 0 || this.lingerResets(),
      wrapped: this.wrapped(),
      shut: this.shutMarks(),
    };
  }
}
