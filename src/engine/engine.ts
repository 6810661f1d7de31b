/**
 * The engine: each call of the Engine contract handed to the socket its handle names (EBADF for a
 * closed or stale one), over the table of open sockets; owners so a job's sockets close together.
 * What the sockets themselves see of the engine (the table, settings, events, closing) is engine-core.ts.
 */
import { andThen, type Completion } from '../core/completion.js';
import type { BaseSocket } from './base.js';
import { SocketError } from './errors.js';
import { acceptedEvent } from './accepted-event.js';
import { EngineCore } from './engine-core.js';
import { loopTurn } from './loop-turn.js';
import { TcpSocket } from './tcp.js';
import type {
  Accepting,
  Address,
  BlockOptions,
  BulkPath,
  CreateOptions,
  Endpoints,
  Engine,
  EngineOptions,
  Family,
  HereOptions,
  Received,
  ShutdownHow,
  SocketHandle,
  SocketInfo,
  OptionArg,
  SocketOption,
  StreamRead,
  StreamReadResult,
  TlsSetup,
  TransferOptions,
  Transport,
} from './types.js';

export function createEngine(options: EngineOptions): Engine {
  return new SocketEngine(options);
}

const nothing = (): void => undefined;

class SocketEngine implements Engine {
  private readonly core: EngineCore;

  constructor(options: EngineOptions) {
    this.core = new EngineCore(options);
  }

  create(transport: Transport, family: Family, options: CreateOptions): SocketHandle {
    return this.core.create(transport, family, options);
  }

  claim(handle: SocketHandle): void {
    this.core.sockets.claim(handle.serial);
  }

  holdAddress(transport: Transport, address: Address, holder: string, stop: string): () => void {
    return this.core.holders.hold(transport, address, holder, stop);
  }

  holderOf(transport: Transport, address: Address): { readonly holder: string; readonly holderStop?: string } | null {
    return this.core.holders.holderOf(address, transport, null);
  }

  lookup(name: string): SocketHandle | null {
    return this.core.sockets.lookup(name)?.ref ?? null;
  }

  bind(handle: SocketHandle, host: string, port: number): Promise<Address> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('bind', handle) : socket.bind(host, port);
  }

  listen(handle: SocketHandle, backlog: number): Promise<Address> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('listen', handle) : socket.listen(backlog);
  }

  accept(handle: SocketHandle, options: HereOptions & CreateOptions): Completion<Accepting>;
  accept(handle: SocketHandle, options: BlockOptions & CreateOptions): Promise<Accepting>;
  accept(handle: SocketHandle, options: BlockOptions & CreateOptions): Completion<Accepting> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('accept', handle) : andThen(socket.accept(options), (r) => this.accepted(socket, r));
  }

  connect(handle: SocketHandle, host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('connect', handle) : socket.connect(host, port, options);
  }

  send(handle: SocketHandle, data: Buffer, options: BlockOptions): number | Promise<number> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('send', handle) : socket.send(data, options, 'send');
  }

  sendall(handle: SocketHandle, data: Buffer, options: BlockOptions): Promise<void> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('sendall', handle) : Promise.resolve(socket.send(data, options, 'sendall')).then(nothing);
  }

  sendto(handle: SocketHandle, data: Buffer, host: string, port: number, options: HereOptions): Completion<number>;
  sendto(handle: SocketHandle, data: Buffer, host: string, port: number, options: BlockOptions): Promise<number>;
  sendto(handle: SocketHandle, data: Buffer, host: string, port: number, options: BlockOptions): Completion<number> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('sendto', handle) : socket.sendto(data, host, port, options);
  }

  recv(handle: SocketHandle, bufsize: number, options: HereOptions): Completion<Buffer>;
  recv(handle: SocketHandle, bufsize: number, options: BlockOptions): Promise<Buffer>;
  recv(handle: SocketHandle, bufsize: number, options: BlockOptions): Completion<Buffer> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('recv', handle) : socket.recv(bufsize, options);
  }

  recvfrom(handle: SocketHandle, bufsize: number, options: HereOptions): Completion<Received>;
  recvfrom(handle: SocketHandle, bufsize: number, options: BlockOptions): Promise<Received>;
  recvfrom(handle: SocketHandle, bufsize: number, options: BlockOptions): Completion<Received> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('recvfrom', handle) : socket.recvfrom(bufsize, options);
  }

  readStream(handle: SocketHandle, read: StreamRead, options: BlockOptions): Promise<StreamReadResult> {
    const socket = this.find(handle);
    return socket === null ? this.closedError(read.call, handle) : socket.readStream(read, options);
  }

  sendfile(handle: SocketHandle, path: string, options: TransferOptions): Promise<number> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('sendfile', handle) : socket.sendfile(path, options);
  }

  recvfile(handle: SocketHandle, path: string, nbytes: number | null, options: TransferOptions): Promise<number> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('recvfile', handle) : socket.recvfile(path, nbytes, options);
  }

  bulk(handle: SocketHandle, fds: { readonly input: number; readonly output: number }): BulkPath | null {
    const socket = this.find(handle);
    const calls = this.core.addon.calls;
    return socket instanceof TcpSocket && calls !== null ? socket.bulk(calls, fds) : null;
  }

  shutdown(handle: SocketHandle, how: ShutdownHow): Completion<void> {
    return this.get(handle, 'shutdown').shutdown(how);
  }

  /** Python's close() of a closed socket does nothing; so here. */
  close(handle: SocketHandle): void {
    const socket = this.find(handle);
    if (socket) this.core.close(socket, 'us');
  }

  settimeout(handle: SocketHandle, seconds: number | null): void {
    this.get(handle, 'settimeout').settimeout(seconds);
  }

  setsockopt(handle: SocketHandle, option: SocketOption, value: OptionArg): void {
    this.get(handle, 'setsockopt').setsockopt(option, value);
  }

  getsockopt(handle: SocketHandle, option: SocketOption): number {
    return this.get(handle, 'getsockopt').getsockopt(option);
  }

  wrapTls(handle: SocketHandle, setup: TlsSetup): void {
    const socket = this.get(handle, 'wrapTls');
    if (!(socket instanceof TcpSocket)) throw new SocketError('EINVAL_TLS', 'wrapTls', { socket: handle.name, value: 'is a UDP socket' });
    socket.wrapTls(setup);
  }

  getsockname(handle: SocketHandle): Address {
    return this.get(handle, 'getsockname').getsockname();
  }

  getpeername(handle: SocketHandle): Address {
    return this.get(handle, 'getpeername').getpeername();
  }

  info(handle: SocketHandle): SocketInfo {
    return this.get(handle, 'info').info();
  }

  endpoints(handle: SocketHandle): Endpoints | null {
    const socket = this.find(handle);
    return socket === null ? null : { transport: socket.transport, family: socket.family, local: socket.local(), peer: socket.peer() };
  }

  kernelDropped(handle: SocketHandle): number | null {
    return this.find(handle)?.kernelDropped() ?? null;
  }

  list(): SocketInfo[] {
    return this.core.sockets.open().map((socket) => socket.info());
  }

  /**
   * Every open socket reads and tells now what the kernel holds for it and the shell has not read (a
   * connection's FIN, reset, bytes; a UDP socket's datagrams and pending ICMP error), as events: what
   * `sockets` shows next is the kernel's state, not the state before the event loop's next read
   * (queued-news.ts, udp-receiving.ts). A promise when some socket can only be read by a turn of the
   * event loop (UDP without the addon): it resolves after that turn.
   */
  settle(): Completion<void> {
    let turn = false;
    for (const socket of this.core.sockets.open()) if (socket.settle()) turn = true;
    return turn ? loopTurn() : undefined;
  }

  closeOwnedBy(owner: string): number {
    let count = 0;
    for (const socket of this.core.sockets.open()) {
      if (socket.owner !== owner) continue;
      this.core.close(socket, 'owner');
      count += 1;
    }
    return count;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.core.sockets.open()) this.core.close(socket, 'owner');
    await this.core.released();
  }

  /** The open socket a handle names; EBADF for a closed or stale handle. */
  private get(handle: SocketHandle, call: string): BaseSocket {
    const socket = this.find(handle);
    if (socket === null) throw new SocketError('EBADF', call, { socket: handle.name });
    return socket;
  }

  /** The open socket a handle names, or null for a closed or stale handle. */
  private find(handle: SocketHandle): BaseSocket | null {
    return this.core.sockets.find(handle.serial);
  }

  /** The blocking calls reject (never throw) on a closed or stale handle. */
  private closedError(call: string, handle: SocketHandle): Promise<never> {
    return Promise.reject(new SocketError('EBADF', call, { socket: handle.name }));
  }

  /** What accept returned, told as the engine event of the completed call. */
  private accepted(listener: BaseSocket, r: { socket: SocketHandle; address: Address | null }): Accepting {
    const conn = this.find(r.socket);
    const event = acceptedEvent(listener, conn, r);
    this.core.emit(event);
    conn?.settleAccepted(); // after the event: what came for the connection while it waited, as its own events
    return event.tls ? { ...r, tls: event.tls } : r;
  }
}
