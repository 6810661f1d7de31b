/**
 * What UDP and TCP sockets share: identity, timeout, counters, the two wait slots, and the Python
 * methods every socket answers the same way (settimeout, getsockname, getpeername, info, close).
 */
import type { Completion } from '../core/completion.js';
import { isHere } from './call-options.js';
import { SocketError, type ErrorContext } from './errors.js';
import { anyAddress } from './resolve.js';
import type {
  Address,
  BlockOptions,
  CreateOptions,
  EngineEvent,
  Family,
  RecvCall,
  SendCall,
  ShutdownHow,
  SocketHandle,
  SocketInfo,
  OptionArg,
  SocketOption,
  SocketState,
  StreamRead,
  StreamReadResult,
  TlsInfo,
  TransferOptions,
  Transport,
} from './types.js';
import { Waiter } from './waiter.js';
import type { Core } from './socket-core.js';

// What a socket needs from its engine lives in socket-core.ts; udp.ts, tcp.ts and listener.ts take it from here.
export type { Accepted, Core, Holder } from './socket-core.js';

export type Queued = SocketInfo['queued'];

export abstract class BaseSocket {
  abstract readonly transport: Transport;
  /** Seconds; null blocks forever, 0 never blocks. */
  timeout: number | null = null;
  closed = false;
  bytesSent = 0;
  bytesReceived = 0;
  /** How many pieces they came in: datagrams for UDP, chunks read off the connection for TCP. */
  arrivals = 0;
  /** The slot for calls that wait for something to arrive: recv, recvfrom, accept, connect. */
  readonly reader = new Waiter();
  /** The slot for calls that wait for room to send: send, sendall. */
  readonly writer = new Waiter();

  /**
   * The one handle to this socket, handed to every caller. Its name is the socket's label now: when
   * a new socket takes the label (CreateOptions.displace) the engine writes the new one here, so a
   * handle kept in a variable or as the current socket names it as the engine does.
   */
  readonly ref: { name: string; readonly serial: number };

  constructor(
    readonly core: Core,
    name: string,
    readonly serial: number,
    readonly owner: string,
    readonly family: Family,
  ) {
    this.ref = { name, serial };
  }

  /** The socket's label: it changes when a new socket takes it (CreateOptions.displace). */
  get name(): string {
    return this.ref.name;
  }

  set name(name: string) {
    this.ref.name = name;
  }

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
  /** Whether closing now resets a live connection because of SO_LINGER 0; false for the others. */
  lingerResets(): boolean {
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
  abstract accept(options: BlockOptions & CreateOptions): Promise<{ socket: SocketHandle; address: Address }>;
  abstract connect(host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }>;
  /** A number when the data went at once; a promise when the call waits, and for every error. */
  abstract send(data: Buffer, options: BlockOptions, call: 'send' | 'sendall'): number | Promise<number>;
  abstract sendto(data: Buffer, host: string, port: number, options: BlockOptions): Completion<number>;
  abstract recv(bufsize: number, options: BlockOptions): Completion<Buffer>;
  abstract recvfrom(bufsize: number, options: BlockOptions): Completion<{ data: Buffer; address: Address | null }>;
  abstract readStream(read: StreamRead, options: BlockOptions): Promise<StreamReadResult>;
  abstract sendfile(path: string, options: TransferOptions): Promise<number>;
  abstract recvfile(path: string, nbytes: number | null, options: TransferOptions): Promise<number>;
  abstract shutdown(how: ShutdownHow): void;
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
    };
  }

  /** Error context naming this socket, plus extra fields. */
  context(extra?: ErrorContext): ErrorContext {
    return { socket: this.name, family: this.family, transport: this.transport, ...extra };
  }

  /**
   * Throws EBADF if closed (checked again after every await), EBUSY if slot already has a call.
   * Public, as checkOpen is, for the file transfers (transfer-slot.ts), which hold a slot for a whole transfer.
   */
  checkSlot(slot: Waiter, call: string): void {
    this.checkOpen(call);
    if (slot.call !== null) throw new SocketError('EBUSY', call, { socket: this.name, pending: slot.call });
  }

  /** Throws EBADF once the socket is closed: every await of a call may have let close() run, and the call ends as a pending recv does. */
  checkOpen(call: string): void {
    if (this.closed) throw new SocketError('EBADF', call, { socket: this.name });
  }

  /** Throws EINTR when the command was already cancelled, so nothing is consumed for it. */
  protected checkSignal(options: BlockOptions, call: string): void {
    if (options.signal?.aborted === true) throw new SocketError('EINTR', call, { socket: this.name });
  }

  protected checkBufsize(bufsize: number, call: string): void {
    if (!Number.isInteger(bufsize) || bufsize < 0) {
      throw new SocketError('EINVAL_BUFSIZE', call, { socket: this.name, value: String(bufsize) });
    }
  }

  /** EAGAIN for a call that would have to wait on a non-blocking socket. */
  protected wouldBlock(call: string): SocketError {
    return new SocketError('EAGAIN', call, { socket: this.name });
  }

  /**
   * recv and recvfrom: what attempt yields now, else a wait for it (EAGAIN on a non-blocking socket),
   * in the addon too when inAddon is given (waitWithAddon). attempt throws for a socket that cannot
   * receive. Not async: see waitFor.
   */
  protected receiveWith<T>(
    call: string,
    bufsize: number,
    options: BlockOptions,
    attempt: () => T | null,
    inAddon: (() => void) | null,
  ): Completion<T> {
    let got: T | null;
    try {
      this.checkSlot(this.reader, call);
      this.checkBufsize(bufsize, call);
      this.checkSignal(options, call);
      got = attempt();
      if (got === null && this.timeout === 0) throw this.wouldBlock(call);
    } catch (err) {
      return Promise.reject(err);
    }
    if (got !== null) return isHere(options) ? got : Promise.resolve(got);
    if (inAddon === null) return this.waitFor(this.reader, call, options, attempt);
    return this.waitWithAddon(this.reader, call, options, attempt, inAddon);
  }

  /**
   * waitFor, with the native addon's wait too (inAddon: one slice at most, and only while nothing else
   * needs the event loop; it wakes the slot as the loop's callbacks do). For a caller that waits for
   * nothing else (HereOptions), before this returns, so the value itself comes back when it came in
   * time; for any other, a microtask later, so that what the caller does right after making the call
   * (a test's send whose reply it waits for) runs before the thread blocks.
   */
  protected waitWithAddon<T>(
    slot: Waiter,
    call: string,
    options: BlockOptions,
    attempt: () => T | null | undefined,
    inAddon: () => void,
  ): Completion<T> {
    if (this.core.blocking === null) return this.waitFor(slot, call, options, attempt);
    if (isHere(options)) return slot.now(call, this.name, this.timeout, options, attempt, inAddon);
    const got = this.waitFor(slot, call, options, attempt);
    if (slot.waiting) queueMicrotask(inAddon);
    return got;
  }

  /**
   * The shape of every blocking call: wait in `slot` until `attempt` yields a value. The socket's
   * timeout and the call's signal end the wait through the waiter; closing the socket ends it with EBADF.
   * Not async, as no caller on the hot path is: an async function returning this promise would add a
   * promise and two microtask turns to every call.
   */
  protected waitFor<T>(slot: Waiter, call: string, options: BlockOptions, attempt: () => T | null | undefined): Promise<T> {
    return slot.until(call, this.name, this.timeout, options, attempt);
  }

  protected emit(event: EngineEvent): void {
    this.core.emit(event);
  }

  /** bind completed, or the OS bound the socket (implicit) on a first sendto, connect or listen. */
  protected tellBound(address: Address, implicit: boolean): void {
    this.core.emit({ kind: 'bound', serial: this.serial, socket: this.name, transport: this.transport, address, implicit });
  }

  /** A send call handed bytes to the OS (see EngineEvent 'sent'). */
  tellSent(
    call: SendCall,
    local: Address | null,
    to: Address | null,
    named: string | null,
    data: Buffer,
    bytes: number,
    file: string | null,
  ): void {
    const { serial, name: socket, transport } = this;
    this.core.emit({ kind: 'sent', serial, socket, transport, call, local, to, named, bytes, data, file });
  }

  /** A receive call returned bytes to the application (see EngineEvent 'returned'). */
  protected tellReturned(
    call: RecvCall,
    local: Address | null,
    from: Address | null,
    bufsize: number | null,
    data: Buffer,
    bytes: number,
    file: string | null,
  ): void {
    const { serial, name: socket, transport } = this;
    this.core.emit({ kind: 'returned', serial, socket, transport, call, local, from, bufsize, bytes, data, file });
  }
}
