/**
 * A UDP socket with Python's semantics over node:dgram (see DgramHandle): a permanent 'message'
 * listener feeds a capped queue from the moment the socket exists, the first sendto binds implicitly
 * and says so, recvfrom truncates to bufsize and says so, and asynchronous errors (ICMP port
 * unreachable on a connected socket) are stored and reported by the next call, as BSD sockets do.
 */
import type dgram from 'node:dgram';
import { BaseSocket, type Core, type Queued } from './base.js';
import { SocketError, errorCode, fromCode, toSocketError } from './errors.js';
import { kernelUdpDrops } from './kernel-drops.js';
import { Fifo } from './queues.js';
import { anyAddress, checkDestPort, checkPort, literalHost, resolveHost } from './resolve.js';
import type {
  Address,
  BlockOptions,
  Family,
  RecvCall,
  SocketHandle,
  SocketOption,
  SocketState,
  StreamRead,
  StreamReadResult,
} from './types.js';
import { DgramHandle } from './udp-handle.js';
import { optionRoute, type NodeOptionOf, type NumericOption, type OptionArg } from './options.js';
import { refusedOption } from './option-errors.js';
import { ShellError } from '../core/errors.js';
import { DescriptorOptions } from './sockopts.js';
import { nativeError } from './native.js';
import { UdpNative } from './udp-native.js';

/** A queued datagram; recvfrom returns it as it is (both fields are immutable). */
interface Datagram {
  readonly data: Buffer;
  readonly address: Address;
}

/** The most the native path reads at once (udp-native.ts): the queue must have room for that much to read on. */
const receiveSize = 65536;

/**
 * Receive calls served from the queue read the kernel every this many (see receive): the addon drains
 * it, or on the event loop one call waits a turn, in which Node reads up to 32 datagrams (libuv's
 * batch). Without it a server answering a burst from its queue let the kernel's buffer overflow and
 * answered 26–79% of a thousand clients where Python answers all (issue 14's udp-burst).
 */
const YIELD_EVERY = 16;

/** The largest UDP payload over IPv4: 65535 − 20 (IP header) − 8 (UDP header). */
const MAX_DATAGRAM4 = 65507;

export class UdpSocket extends BaseSocket {
  readonly transport = 'udp' as const;
  private readonly handle: DgramHandle;
  private remote: Address | null = null;
  private readonly inbox = new Fifo<Datagram>();
  private inboxBytes = 0;
  /** The sender of the last datagram: a conversation repeats it, so its Address object is reused. */
  private lastFrom: Address | null = null;
  private droppedCount = 0;
  /** The last destination host sendto was given, and its address: a conversation repeats it. */
  private sendHost: string | null = null;
  private sendIp = '';
  /** Where the last datagram went, as an Address: reused while a conversation repeats it. */
  private lastTo: Address | null = null;
  /** An asynchronous error (ICMP ECONNREFUSED) waiting to be reported by the next call. */
  private failCode: string | null = null;
  /** Receive calls served from the queue since the socket was last read (see receive). */
  private servedSinceRead = 0;
  /** The native fast path: receive waits and sends in the addon (udp-native.ts). */
  private readonly native: UdpNative;
  private readonly options: DescriptorOptions;

  constructor(core: Core, name: string, serial: number, owner: string, family: Family) {
    super(core, name, serial, owner, family);
    this.options = new DescriptorOptions(core.addon, 'udp', family, () => this.context());
    this.handle = new DgramHandle(family, this.context(), this.options, this.onMessage, this.onError);
    this.native = new UdpNative({
      blocking: core.blocking,
      fd: () => this.handle.fd(),
      starved: () => this.reader.waiting && this.inbox.length === 0,
      room: () =>
        Math.min(this.core.udpQueueDatagrams - this.inbox.length, Math.floor((this.core.udpQueueBytes - this.inboxBytes) / receiveSize)),
      message: this.onMessage,
      error: this.onError,
    });
  }

  state(): SocketState {
    if (this.remote !== null) return 'CONNECTED';
    return this.handle.local === null ? 'UNBOUND' : 'BOUND';
  }

  local(): Address | null {
    return this.handle.local;
  }

  peer(): Address | null {
    return this.remote;
  }

  queued(): Queued {
    return { unit: 'datagrams', count: this.inbox.length, bytes: this.inboxBytes };
  }

  dropped(): number {
    return this.droppedCount;
  }

  override kernelDropped(): number | null {
    return kernelUdpDrops(this.handle.fd());
  }

  async bind(host: string, port: number): Promise<Address> {
    this.checkOpen('bind');
    checkPort(port, 'bind', this.name);
    this.checkUnbound();
    const ip = literalHost(host, this.family, 'bind', this.name, port) ?? (await resolveHost(host, this.family, 'bind', this.name, port));
    this.checkOpen('bind');
    this.checkUnbound();
    let address: Address;
    try {
      address = await this.handle.bind(ip, port, 'bind');
    } catch (err) {
      // The OS says the port is taken; say so by name when a socket of this shell is what holds it.
      const holder =
        err instanceof SocketError && err.code === 'EADDRINUSE'
          ? this.core.holderOf({ host: ip, port, family: this.family }, 'udp', this)
          : null;
      throw holder === null ? err : new SocketError('EADDRINUSE', 'bind', this.context({ host: ip, port, ...holder }));
    }
    this.tellBound(address, false);
    return address;
  }

  async listen(): Promise<Address> {
    this.checkOpen('listen');
    throw new SocketError('EOPNOTSUPP_LISTEN_UDP', 'listen', { socket: this.name });
  }

  async accept(): Promise<{ socket: SocketHandle; address: Address }> {
    this.checkOpen('accept');
    throw new SocketError('EOPNOTSUPP_ACCEPT_UDP', 'accept', { socket: this.name });
  }

  async connect(host: string, port: number): Promise<{ local: Address; remote: Address }> {
    this.checkOpen('connect');
    checkDestPort(port, 'connect', this.name);
    const ip =
      literalHost(host, this.family, 'connect', this.name, port) ?? (await resolveHost(host, this.family, 'connect', this.name, port));
    // The implicit bind is told after connect, with the address getsockname gives from then on: the
    // kernel picks the source address (127.0.0.1 for a loopback peer) only at connect, as Python sees it.
    const implicit = await this.ensureBound('connect', false);
    this.checkOpen('connect');
    const sock = this.handle.sock as dgram.Socket;
    if (this.remote !== null) {
      sock.disconnect(); // Python may connect again to another peer; Node must disconnect first
      this.remote = null;
    }
    this.failCode = null;
    await new Promise<void>((resolve, reject) => {
      sock.connect(port, ip, (err?: Error) => {
        if (err === undefined || err === null) resolve();
        else reject(toSocketError(err, 'connect', this.context({ host, port })));
      });
    });
    this.checkOpen('connect');
    const a = sock.address();
    const local: Address = { host: a.address, port: a.port, family: this.family };
    const remote: Address = { host: ip, port, family: this.family };
    this.handle.local = local;
    this.remote = remote;
    if (implicit) this.tellBound(local, true);
    const named = host === ip ? null : host;
    this.emit({ kind: 'connected', serial: this.serial, socket: this.name, transport: this.transport, local, remote, named });
    return { local, remote };
  }

  async send(data: Buffer, _options: BlockOptions, call: 'send' | 'sendall'): Promise<number> {
    this.checkOpen(call);
    const remote = this.remote;
    if (remote === null) {
      // Linux binds the socket (inet_sendmsg's autobind) before it finds no destination: after the
      // error it has a port, as Python's getsockname shows, and a later bind fails with EINVAL.
      await this.ensureBound(call);
      throw new SocketError('EDESTADDRREQ', call, { socket: this.name });
    }
    this.reportFailure(call);
    if (this.family === 4 && data.length > MAX_DATAGRAM4) throw this.tooBig(call, data, remote.host, remote.port);
    return await (this.sendNatively(data, undefined, remote.host, remote.port, call) ??
      this.transmit(data, undefined, remote.host, remote.port, call));
  }

  sendto(data: Buffer, host: string, port: number): Promise<number> {
    let ip: string | null;
    try {
      this.checkOpen('sendto');
      checkDestPort(port, 'sendto', this.name);
      this.reportFailure('sendto');
      if (this.remote !== null) return this.sendtoConnected(data, host, port);
      if (this.family === 4 && data.length > MAX_DATAGRAM4) throw this.tooBig('sendto', data, host, port);
      if (host === this.sendHost) ip = this.sendIp;
      else {
        ip = literalHost(host, this.family, 'sendto', this.name, port);
        if (ip !== null) [this.sendHost, this.sendIp] = [host, ip];
      }
    } catch (err) {
      return Promise.reject(err);
    }
    // The hot path (an IP literal on a bound socket) adds no await before the send itself.
    if (ip !== null && this.handle.local !== null)
      return this.sendNatively(data, ip, host, port, 'sendto') ?? this.transmit(data, ip, host, port, 'sendto');
    return this.sendtoLater(data, ip, host, port);
  }

  async recv(bufsize: number, options: BlockOptions): Promise<Buffer> {
    const got = await this.receive(bufsize, options, 'recv');
    return got.data;
  }

  recvfrom(bufsize: number, options: BlockOptions): Promise<{ data: Buffer; address: Address }> {
    return this.receive(bufsize, options, 'recvfrom');
  }

  async sendfile(): Promise<number> {
    this.checkOpen('sendfile');
    throw new SocketError('EOPNOTSUPP_FILE_UDP', 'sendfile', this.context());
  }

  /** recvline, recvuntil, recvexactly and peek read a TCP byte stream; a datagram is taken whole by recvfrom. */
  async readStream(read: StreamRead): Promise<StreamReadResult> {
    this.checkOpen(read.call);
    throw new SocketError('EOPNOTSUPP_STREAM_UDP', read.call, this.context());
  }

  async recvfile(): Promise<number> {
    this.checkOpen('recvfile');
    throw new SocketError('EOPNOTSUPP_FILE_UDP', 'recvfile', this.context());
  }

  shutdown(): void {
    this.checkOpen('shutdown');
    throw new SocketError('ENOTCONN_UDP_SHUTDOWN', 'shutdown', { socket: this.name });
  }

  setsockopt(option: SocketOption, value: OptionArg): void {
    this.checkOpen('setsockopt');
    const route = optionRoute(option, 'udp');
    if (route === 'node') return this.handle.setOption(option as NodeOptionOf<'udp'>, value);
    if (route !== 'addon') throw refusedOption(route, option, this.context());
    this.options.set(option as NumericOption, value as number, this.handle.fd(), "Node's dgram has no call for it");
  }

  /** What the OS reports (sockopts.ts); without the addon, the buffer sizes dgram reads from a bound socket. */
  getsockopt(option: SocketOption): number {
    this.checkOpen('getsockopt');
    const sock = this.handle.local === null ? null : this.handle.sock;
    if (this.core.addon.calls === null && sock !== null) {
      if (option === 'SO_RCVBUF') return sock.getRecvBufferSize();
      if (option === 'SO_SNDBUF') return sock.getSendBufferSize();
    }
    return this.options.get(option, this.handle.fd());
  }

  release(): Promise<void> {
    return this.handle.close();
  }

  private checkUnbound(): void {
    if (this.handle.local !== null || this.handle.binding !== null) {
      throw new SocketError('EINVAL_BOUND', 'bind', { socket: this.name });
    }
  }

  /**
   * sendto on a connected socket: Linux sends the datagram to the address given, and Python's sendto
   * with it; Node's dgram refuses (ERR_SOCKET_DGRAM_IS_CONNECTED), so the addon sends it on the
   * descriptor. Without the addon that is this build's limit, said as such.
   */
  private async sendtoConnected(data: Buffer, host: string, port: number): Promise<number> {
    const { calls, problem } = this.core.addon;
    if (calls === null) {
      throw new ShellError(
        `${this.name} is connected, and Node's dgram cannot send a datagram to another address from a connected socket (Linux sends it, as Python's sendto does); this build has no native addon to make the call itself (${problem}) — a limit of this build, not an error from the OS: use send for the peer, or another socket`,
        null,
      );
    }
    const ip =
      literalHost(host, this.family, 'sendto', this.name, port) ?? (await resolveHost(host, this.family, 'sendto', this.name, port));
    this.checkOpen('sendto');
    const n = calls.sendto(this.handle.fd(), data, ip, port);
    if (n < 0) throw toSocketError(nativeError(calls, n, 'sendto'), 'sendto', this.context({ host, port, size: data.length }));
    this.sent(data, ip, host, port, 'sendto');
    return n;
  }

  /** sendto that must first look the host up or bind implicitly. */
  private async sendtoLater(data: Buffer, literal: string | null, host: string, port: number): Promise<number> {
    const ip = literal ?? (await resolveHost(host, this.family, 'sendto', this.name, port));
    await this.ensureBound('sendto');
    this.checkOpen('sendto');
    return await this.transmit(data, ip, host, port, 'sendto');
  }

  /**
   * Binds to the any-address, port 0, as the OS does on a first sendto or connect, and says so unless
   * told not to (connect says so itself). True when this call bound the socket.
   */
  private async ensureBound(call: string, tell = true): Promise<boolean> {
    if (this.handle.local !== null) return false;
    if (this.handle.binding !== null) {
      await this.handle.binding; // an explicit bind is on its way
      return false;
    }
    const address = await this.handle.bind(anyAddress(this.family), 0, call);
    if (tell) this.tellBound(address, true);
    return true;
  }

  private receive(bufsize: number, options: BlockOptions, call: RecvCall): Promise<Datagram> {
    const behind = this.inbox.length > 0;
    const got = this.receiveWith(call, bufsize, options, () => this.take(bufsize, call));
    // Served from the queue again and again, the calls never read the kernel, whose buffer then
    // overflows in a burst: every YIELD_EVERY such calls, the addon drains it, or one call waits a
    // turn of the event loop, which reads it.
    if (behind && ++this.servedSinceRead >= YIELD_EVERY) {
      this.servedSinceRead = 0;
      if (!this.native.drain()) return got.then((d) => new Promise<Datagram>((resolve) => setImmediate(() => resolve(d))));
    }
    // The call waits on the event loop as always (its slot, timeout and cancel as they are); with the
    // native fast path it also waits in the addon, a microtask later, so that what its caller does
    // right after making it (a sendto whose reply it waits for, in a test) runs before the thread blocks.
    if (this.core.blocking !== null && this.reader.waiting) queueMicrotask(this.waitInAddon);
    return got;
  }

  private readonly waitInAddon = (): void => {
    this.native.wait();
  };

  /**
   * send or sendto in the addon, when a call may block here: the promise of the completed call, or
   * null to send on the event loop (the kernel's buffer is full: EAGAIN, and Node's send waits).
   */
  private sendNatively(
    data: Buffer,
    ip: string | undefined,
    host: string,
    port: number,
    call: 'send' | 'sendall' | 'sendto',
  ): Promise<number> | null {
    const blocking = this.native.mayBlock();
    if (blocking === null) return null;
    const n = this.native.send(blocking, data, ip, port);
    if (n === null) return null;
    if (n < 0)
      return Promise.reject(toSocketError(nativeError(blocking.calls, n, 'send'), call, this.context({ host, port, size: data.length })));
    this.sent(data, ip, host, port, call);
    return Promise.resolve(n);
  }

  /** The oldest datagram, truncated to bufsize (and said so), or null; reports a stored error first. */
  private take(bufsize: number, call: RecvCall): Datagram | null {
    this.reportFailure(call);
    const d = this.inbox.shift();
    if (d === undefined) return null;
    const size = d.data.length;
    this.inboxBytes -= size;
    if (size <= bufsize) return this.returned(d, call, bufsize);
    this.emit({ kind: 'truncated', serial: this.serial, socket: this.name, size, bufsize });
    return this.returned({ data: d.data.subarray(0, bufsize), address: d.address }, call, bufsize);
  }

  /** The datagram a receive call returns, told as the engine event of the completed call. */
  private returned(d: Datagram, call: RecvCall, bufsize: number): Datagram {
    const { data, address } = d;
    const local = this.handle.local;
    this.tellReturned(call, local, address, bufsize, data, data.length, null);
    return d;
  }

  /** The destination of a datagram as an Address, reusing the last one while it repeats. */
  private destination(host: string, port: number): Address {
    const last = this.lastTo;
    if (last !== null && last.port === port && last.host === host) return last;
    return (this.lastTo = { host, port, family: this.family });
  }

  /** ip: the resolved destination of sendto; undefined for send on a connected socket (host is then its address). */
  private transmit(data: Buffer, ip: string | undefined, host: string, port: number, call: 'send' | 'sendall' | 'sendto'): Promise<number> {
    const sock = this.handle.sock as dgram.Socket;
    return new Promise<number>((resolve, reject) => {
      const done = (err: Error | null): void => {
        if (err !== null) {
          reject(toSocketError(err, call, this.context({ host, port, size: data.length })));
          return;
        }
        this.sent(data, ip, host, port, call);
        resolve(data.length);
      };
      try {
        if (ip === undefined) sock.send(data, done);
        else sock.send(data, port, ip, done);
      } catch (err) {
        reject(toSocketError(err, call, this.context({ host, port, size: data.length })));
      }
    });
  }

  /** A datagram went: counted and told as the engine event of the completed call. */
  private sent(data: Buffer, ip: string | undefined, host: string, port: number, call: 'send' | 'sendall' | 'sendto'): void {
    this.bytesSent += data.length;
    const to = this.destination(ip ?? host, port);
    this.tellSent(call, this.handle.local, to, ip === undefined || ip === host ? null : host, data, data.length, null);
  }

  private reportFailure(call: string): void {
    const code = this.failCode;
    if (code === null) return;
    this.failCode = null;
    throw fromCode(code, call, this.context({ host: this.remote?.host, port: this.remote?.port }));
  }

  private tooBig(call: string, data: Buffer, host: string, port: number): SocketError {
    return new SocketError('EMSGSIZE', call, this.context({ host, port, size: data.length }));
  }

  private readonly onMessage = (data: Buffer, rinfo: Pick<dgram.RemoteInfo, 'address' | 'port'>): void => {
    if (this.closed) return;
    this.servedSinceRead = 0;
    const full = this.inbox.length >= this.core.udpQueueDatagrams || this.inboxBytes + data.length > this.core.udpQueueBytes;
    if (full) {
      this.droppedCount += 1;
      this.emit({
        kind: 'dropped',
        reset: false,
        serial: this.serial,
        socket: this.name,
        unit: 'datagrams',
        bytes: data.length,
        total: this.droppedCount,
      });
      return;
    }
    let from = this.lastFrom;
    if (from === null || from.port !== rinfo.port || from.host !== rinfo.address) {
      from = this.lastFrom = { host: rinfo.address, port: rinfo.port, family: this.family };
    }
    this.inbox.push({ data, address: from });
    this.inboxBytes += data.length;
    this.bytesReceived += data.length;
    this.arrivals++;
    // The event first, then the waiting recvfrom takes the datagram: the event tells of its arrival.
    const taken = this.reader.waiting;
    this.emit({
      kind: 'received',
      serial: this.serial,
      socket: this.name,
      transport: 'udp',
      bytes: data.length,
      from,
      queued: this.inbox.length,
      taken,
      data,
    });
    if (taken) this.reader.wake();
  };

  private readonly onError = (err: Error): void => {
    if (this.closed) return;
    const code = errorCode(err);
    this.failCode = code;
    this.emit({ kind: 'failed', serial: this.serial, socket: this.name, code, taken: this.reader.call !== null });
    this.reader.wake();
  };
}
