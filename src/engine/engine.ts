/**
 * The engine: the table of open sockets by name, with serials so a stale handle is told from a live
 * socket that reuses its name, owners so a job's sockets close together, and the sockets being closed
 * so closeAll can wait until every OS handle is released.
 */
import type { Accepted, BaseSocket, Core, Holder } from './base.js';
import { SocketError } from './errors.js';
import { NameTable } from './names.js';
import { TcpSocket } from './tcp.js';
import type {
  Address,
  BlockOptions,
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
import { nativeCalls, type Blocking } from './native.js';
import type { AddonCalls } from './sockopts.js';

export function createEngine(options: EngineOptions): Engine {
  return new SocketEngine(options);
}

const nothing = (): void => undefined;

const DEFAULT_UDP_QUEUE = 4096;
const DEFAULT_UDP_QUEUE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TCP_QUEUE = 1024 * 1024;

class SocketEngine implements Engine, Core {
  readonly udpQueueDatagrams: number;
  readonly udpQueueBytes: number;
  readonly tcpQueueBytes: number;
  readonly blocking: Blocking | null;
  readonly addon: AddonCalls;
  private readonly sink: EventSink;
  /** Open sockets by name, in creation order; closed sockets leave it. */
  private readonly table = new NameTable<BaseSocket>();
  /** The same sockets by serial: handles resolve through it, so a renamed socket keeps its handles. */
  private readonly bySerial = new Map<number, BaseSocket>();
  /**
   * Sockets made with displace 'tentative' (a shortcut under way) whose name an open socket still
   * has, by serial. They go by that name already, but are not in the name table: the socket holding
   * it keeps it, and says so in every message, until claim() moves it aside.
   */
  private readonly pending = new Map<number, BaseSocket>();
  /** Closed sockets whose OS handles are still being released (flushing written data). */
  private readonly closing = new Map<BaseSocket, Promise<void>>();
  /** Addresses things of this shell outside the engine hold (holdAddress). */
  private readonly held = new Set<{ transport: Transport; address: Address; holder: Holder }>();
  private serials = 0;

  constructor(options: EngineOptions) {
    this.sink = options.sink;
    this.udpQueueDatagrams = Math.max(1, options.udpQueueDatagrams ?? DEFAULT_UDP_QUEUE);
    this.udpQueueBytes = Math.max(1, options.udpQueueBytes ?? DEFAULT_UDP_QUEUE_BYTES);
    this.tcpQueueBytes = Math.max(1, options.tcpQueueBytes ?? DEFAULT_TCP_QUEUE);
    const allowed = options.blockingCalls;
    const calls = allowed === undefined ? null : nativeCalls().calls;
    this.blocking = allowed === undefined || calls === null ? null : { calls, allowed };
    const addon = options.addonCalls === false ? { calls: null, problem: 'left out here' } : nativeCalls();
    this.addon = addon.calls === null ? { calls: null, problem: addon.problem } : { calls: addon.calls, problem: null };
  }

  emit(event: EngineEvent): void {
    try {
      this.sink(event);
    } catch {
      // A throwing sink is the caller's bug; it must not break a socket's event handler or crash Node.
    }
  }

  create(transport: Transport, family: Family, options: CreateOptions): SocketHandle {
    const serial = ++this.serials;
    const name = this.claimName(options, transport);
    const socket =
      transport === 'udp'
        ? new UdpSocket(this, name, serial, options.owner, family)
        : new TcpSocket(this, name, serial, options.owner, family);
    if (options.displace === 'tentative' && this.table.get(name) !== undefined) {
      this.pending.set(serial, socket); // displace 'tentative': the holder keeps the name until claim()
      this.bySerial.set(serial, socket);
    } else this.register(socket);
    return socket.ref;
  }

  adopt(accepted: Accepted, family: Family, options: CreateOptions): SocketHandle {
    const serial = ++this.serials;
    const name = this.claimName(options, 'conn');
    const socket = new TcpSocket(this, name, serial, options.owner, family);
    socket.attach(accepted);
    this.register(socket);
    return socket.ref;
  }

  claim(handle: SocketHandle): void {
    const socket = this.pending.get(handle.serial);
    if (socket === undefined) return;
    this.pending.delete(handle.serial);
    const holder = this.table.get(socket.name);
    if (holder !== undefined && holder.owner === socket.owner) {
      const from = socket.name;
      holder.name = this.table.free(from, 'sock');
      this.table.move(from, holder.name);
      this.emit({ kind: 'renamed', socket: holder.name, serial: holder.serial, from });
    } else if (holder !== undefined) {
      socket.name = this.table.free(socket.name, 'sock'); // another owner's socket took it meanwhile
    }
    this.table.set(socket.name, socket);
  }

  holderOf(address: Address, transport: Transport, asking: BaseSocket): Holder | null {
    for (const s of this.open()) {
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

  private register(socket: BaseSocket): void {
    this.table.set(socket.name, socket);
    this.bySerial.set(socket.serial, socket);
  }

  /** The name for a new socket; with displace, an old socket holding it moves to a free name first ('tentative': at claim()). */
  private claimName(options: CreateOptions, prefix: string): string {
    const wanted = options.name;
    const holder = wanted ? this.table.get(wanted) : undefined;
    // Only a name of the same owner moves aside: a job's `serverSocket = …` must not rename yours.
    if (!options.displace || !wanted || !holder || holder.owner !== options.owner) return this.table.free(wanted, prefix);
    if (options.displace === 'tentative') return wanted; // create() keeps it out of the table until claim()
    const moved = this.table.free(wanted, prefix);
    this.table.move(wanted, moved); // wanted is taken again at once, by the new socket
    holder.name = moved;
    this.emit({ kind: 'renamed', socket: moved, serial: holder.serial, from: wanted });
    return wanted;
  }

  /** Every open socket in creation order, tentative ones last. */
  private open(): BaseSocket[] {
    const all = [...this.table.values()];
    return this.pending.size === 0 ? all : [...all, ...this.pending.values()];
  }

  lookup(name: string): SocketHandle | null {
    return this.table.get(name)?.ref ?? null;
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
    return this.open().map((socket) => socket.info());
  }

  closeOwnedBy(owner: string): number {
    let count = 0;
    for (const socket of this.open()) {
      if (socket.owner !== owner) continue;
      this.closeSocket(socket, 'owner');
      count += 1;
    }
    return count;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.open()) this.closeSocket(socket, 'owner');
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
    return this.bySerial.get(handle.serial) ?? null;
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
    const { transport, serial } = socket;
    const local = socket.local();
    const peer = socket.peer();
    const state = socket.state();
    // Closing a connection sends FIN unless shutdown already did (or it failed: nothing is sent to a reset
    // peer), and unless bytes lie unread: then the connection's release sends a reset instead.
    // (Any state with a live connection counts for unread bytes, as the connection's release decides.)
    const live = transport === 'tcp' && peer !== null && state !== 'RESET';
    const unread = live ? socket.unread() : 0;
    // SO_LINGER 0 resets too (sent by the connection's release); the event says so beside any unread bytes.
    const linger = live && socket.lingerResets();
    const unaccepted = socket.unaccepted();
    const packets = transport === 'tcp' && socket.family !== 'unix'; // an AF_UNIX end sends no FIN
    const fin = unread === 0 && !linger && packets && peer !== null && (state === 'ESTABLISHED' || state === 'CLOSE_WAIT');
    // A tentative socket was never in the name table: its name is still its holder's.
    if (!this.pending.delete(socket.serial)) this.table.delete(socket.name);
    this.bySerial.delete(socket.serial);
    const released = socket.close().catch(() => undefined);
    this.closing.set(socket, released);
    void released.then(() => this.closing.delete(socket));
    this.emit({
      kind: 'closed',
      serial,
      socket: socket.name,
      by,
      transport,
      local,
      peer,
      fin,
      unread,
      linger,
      unaccepted,
      owner: socket.owner,
    });
  }
}
