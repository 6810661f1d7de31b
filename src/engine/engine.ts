/**
 * The engine: each call of the Engine contract handed to the socket its handle names (EBADF for a
 * closed or stale one), over the table of open sockets (socket-table.ts); owners so a job's sockets
 * close together, and the sockets being closed so closeAll can wait until every OS handle is released.
 */
import type { BaseSocket } from './base.js';
import type { Accepted, Core, Holder } from './socket-core.js';
import { SocketError } from './errors.js';
import { SocketTable } from './socket-table.js';
import { closedEvent } from './closed-event.js';
import { TcpSocket } from './tcp.js';
import type {
  Address,
  BlockOptions,
  BulkPath,
  CreateOptions,
  Endpoints,
  Engine,
  EngineEvent,
  EngineOptions,
  EventSink,
  Family,
  ShutdownHow,
  SocketHandle,
  SocketInfo,
  OptionArg,
  SocketOption,
  StreamRead,
  StreamReadResult,
  TlsInfo,
  TlsSetup,
  TransferOptions,
  Transport,
} from './types.js';
import { UdpSocket } from './udp.js';
import { overlaps } from './resolve.js';
import type { Blocking } from './native.js';
import { settings } from './engine-settings.js';
import type { AddonCalls } from './sockopts.js';

export function createEngine(options: EngineOptions): Engine {
  return new SocketEngine(options);
}

const nothing = (): void => undefined;

class SocketEngine implements Engine, Core {
  readonly udpQueueDatagrams: number;
  readonly udpQueueBytes: number;
  readonly tcpQueueBytes: number;
  readonly blocking: Blocking | null;
  readonly addon: AddonCalls;
  private readonly sink: EventSink;
  /** Open sockets by label and by serial. */
  private readonly sockets = new SocketTable((event) => this.emit(event));
  /** Closed sockets whose OS handles are still being released (flushing written data). */
  private readonly closing = new Map<BaseSocket, Promise<void>>();
  /** Addresses things of this shell outside the engine hold (holdAddress). */
  private readonly held = new Set<{ transport: Transport; address: Address; holder: Holder }>();

  constructor(options: EngineOptions) {
    this.sink = options.sink;
    const set = settings(options);
    this.udpQueueDatagrams = set.udpQueueDatagrams;
    this.udpQueueBytes = set.udpQueueBytes;
    this.tcpQueueBytes = set.tcpQueueBytes;
    this.blocking = set.blocking;
    this.addon = set.addon;
  }

  emit(event: EngineEvent): void {
    try {
      this.sink(event);
    } catch {
      // A throwing sink is the caller's bug; it must not break a socket's event handler or crash Node.
    }
  }

  create(transport: Transport, family: Family, options: CreateOptions): SocketHandle {
    const serial = this.sockets.nextSerial();
    const name = this.sockets.name(options, transport);
    const socket =
      transport === 'udp'
        ? new UdpSocket(this, name, serial, options.owner, family)
        : new TcpSocket(this, name, serial, options.owner, family);
    this.sockets.add(socket, options.displace === 'tentative');
    return socket.ref;
  }

  adopt(accepted: Accepted, family: Family, options: CreateOptions): SocketHandle {
    const serial = this.sockets.nextSerial();
    const name = this.sockets.name(options, 'conn');
    const socket = new TcpSocket(this, name, serial, options.owner, family);
    socket.attach(accepted);
    this.sockets.add(socket, false);
    return socket.ref;
  }

  claim(handle: SocketHandle): void {
    this.sockets.claim(handle.serial);
  }

  holderOf(address: Address, transport: Transport, asking: BaseSocket): Holder | null {
    for (const s of this.sockets.open()) {
      if (s === asking || s.transport !== transport) continue;
      if (s instanceof TcpSocket ? s.holds(address) : overlaps(s.local(), address)) return { holder: s.name };
    }
    for (const h of this.held) if (h.transport === transport && overlaps(h.address, address)) return h.holder;
    return null;
  }

  holdAddress(transport: Transport, address: Address, holder: string, stop: string): () => void {
    const entry = { transport, address, holder: { holder, holderStop: stop } };
    this.held.add(entry);
    return () => void this.held.delete(entry);
  }

  lookup(name: string): SocketHandle | null {
    return this.sockets.lookup(name)?.ref ?? null;
  }

  bind(handle: SocketHandle, host: string, port: number): Promise<Address> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('bind', handle) : socket.bind(host, port);
  }

  listen(handle: SocketHandle, backlog: number): Promise<Address> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('listen', handle) : socket.listen(backlog);
  }

  accept(handle: SocketHandle, options: BlockOptions & CreateOptions): Promise<{ socket: SocketHandle; address: Address; tls?: TlsInfo }> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('accept', handle) : socket.accept(options).then((r) => this.accepted(socket, r));
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

  sendto(handle: SocketHandle, data: Buffer, host: string, port: number, options: BlockOptions): Promise<number> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('sendto', handle) : socket.sendto(data, host, port, options);
  }

  recv(handle: SocketHandle, bufsize: number, options: BlockOptions): Promise<Buffer> {
    const socket = this.find(handle);
    return socket === null ? this.closedError('recv', handle) : socket.recv(bufsize, options);
  }

  recvfrom(handle: SocketHandle, bufsize: number, options: BlockOptions): Promise<{ data: Buffer; address: Address | null }> {
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
    const calls = this.addon.calls;
    return socket instanceof TcpSocket && calls !== null ? socket.bulk(calls, fds) : null;
  }

  shutdown(handle: SocketHandle, how: ShutdownHow): void {
    this.get(handle, 'shutdown').shutdown(how);
  }

  /** Python's close() of a closed socket does nothing; so here. */
  close(handle: SocketHandle): void {
    const socket = this.find(handle);
    if (socket) this.closeSocket(socket, 'us');
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
    return this.sockets.open().map((socket) => socket.info());
  }

  closeOwnedBy(owner: string): number {
    let count = 0;
    for (const socket of this.sockets.open()) {
      if (socket.owner !== owner) continue;
      this.closeSocket(socket, 'owner');
      count += 1;
    }
    return count;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.sockets.open()) this.closeSocket(socket, 'owner');
    const releasing = [...this.closing.keys()].map((socket) => socket.release(true));
    await Promise.all([...releasing, ...this.closing.values()]);
  }

  /** The open socket a handle names; EBADF for a closed or stale handle. */
  private get(handle: SocketHandle, call: string): BaseSocket {
    const socket = this.find(handle);
    if (socket === null) throw new SocketError('EBADF', call, { socket: handle.name });
    return socket;
  }

  /** The open socket a handle names, or null for a closed or stale handle. */
  private find(handle: SocketHandle): BaseSocket | null {
    return this.sockets.find(handle.serial);
  }

  /** The blocking calls reject (never throw) on a closed or stale handle. */
  private closedError(call: string, handle: SocketHandle): Promise<never> {
    return Promise.reject(new SocketError('EBADF', call, { socket: handle.name }));
  }

  /** What accept returned, told as the engine event of the completed call. */
  private accepted(
    listener: BaseSocket,
    r: { socket: SocketHandle; address: Address },
  ): { socket: SocketHandle; address: Address; tls?: TlsInfo } {
    const conn = this.find(r.socket);
    const local = conn?.local() ?? listener.getsockname();
    const { serial, name } = listener;
    const tls = conn?.secured() ?? undefined;
    this.emit({
      kind: 'accepted',
      serial,
      socket: name,
      conn: r.socket.serial,
      connName: r.socket.name,
      local,
      peer: r.address,
      ...(tls && { tls }),
    });
    return tls ? { ...r, tls } : r;
  }

  /** Closed at once for every caller; its OS handles are released in the background. */
  private closeSocket(socket: BaseSocket, by: 'us' | 'owner'): void {
    const event = closedEvent(socket, by);
    this.sockets.remove(socket);
    const released = socket.close().catch(() => undefined);
    this.closing.set(socket, released);
    void released.then(() => this.closing.delete(socket));
    this.emit(event);
  }
}
