/**
 * A TCP socket over node:net and, where the addon is built, its own descriptor. One object goes
 * through Python's states: UNBOUND → BOUND (a descriptor bound in the kernel, kernel-bind.ts; without
 * the addon, a probed address) → LISTEN (a welcoming socket whose accept queue is the kernel's,
 * kernel-listener.ts; TLS, AF_UNIX and builds without the addon: Node's server, listener.ts), or
 * UNBOUND/BOUND → SYN_SENT → ESTABLISHED (a connection, see Stream). Sockets that accept returns
 * start ESTABLISHED.
 */
import type { Completion } from '../core/completion.js';
import { BaseSocket, type Accepted, type Queued } from './base.js';
import { recvFile, sendFile } from './file-transfer.js';
import { SocketError, errorCode, toSocketError } from './errors.js';
import { Listener, probeAddress, timeWaitOnly, type Welcoming } from './listener.js';
import { KernelListener } from './kernel-listener.js';
import { bindInKernel, copyBound } from './kernel-bind.js';
import { anyAddress, checkPort, literalHost, lookedUp, overlaps, resolveHost } from './resolve.js';
import { handshake, handshakeBound, type Target } from './tcp-connect.js';
import { LINGER_OFF, optionRoute, type NodeOptionOf, type NumericOption, type OptionArg } from './options.js';
import { DescriptorOptions } from './sockopts.js';
import { refusedOption, lingerResetRefusedOnTls, lingerWaitRefused, notOnUnix } from './option-errors.js';
import { nativeError, type NativeCalls } from './native.js';
import { bulkPath } from './bulk-pump.js';
import { tlsOf } from './tls-info.js';
import { checkSetup } from './tls-setup.js';
import { canReset } from './stream-handle.js';
import { Stream } from './tcp-stream.js';
import { kernelFull, sendWhatFits } from './kernel-send.js';
import type {
  BulkPath,
  Address,
  BlockOptions,
  CreateOptions,
  RecvCall,
  StreamRead,
  StreamReadResult,
  ShutdownHow,
  SocketHandle,
  SocketOption,
  SocketState,
  TlsInfo,
  TlsSetup,
  TransferOptions,
} from './types.js';

const EMPTY = Buffer.alloc(0);

export class TcpSocket extends BaseSocket {
  readonly transport = 'tcp' as const;
  private boundAddr: Address | null = null;
  /** The descriptor bind made in the kernel (kernel-bind.ts), until listen or connect takes it over; -1: none. */
  private boundFd = -1;
  /** A bind or listen on its way (they are asynchronous in Node). */
  private opening = false;
  private connecting = false;
  private listener: Welcoming | null = null;
  private stream: Stream | null = null;
  private keepAlive = false;
  private noDelay = false;
  /** SO_LINGER: LINGER_OFF, or 0 (closing resets the connection). */
  private linger = LINGER_OFF;
  /** wrapTls: connect and listen speak TLS. */
  private tls: TlsSetup | null = null;
  /** SO_REUSEADDR 0 was set: bind checks the port as a socket without it would (Node sets it on every TCP bind). */
  private reuseOff = false;
  /** Made on first use, as the handlers below are: a held connection that never sets an option costs none of them (issue 16's memory). */
  private optionsMade: DescriptorOptions | null = null;
  private wakeWriterMade: (() => void) | null = null;
  private waitInAddonMade: (() => void) | null = null;
  private acceptInAddonMade: (() => void) | null = null;

  private get options(): DescriptorOptions {
    return (this.optionsMade ??= new DescriptorOptions(this.core.addon, 'tcp', this.family, () => this.context()));
  }

  /** Makes this new socket the connection that accept took from the queue, and starts reading it (Node's, not a bare descriptor). */
  attach(accepted: Accepted): void {
    if (accepted.linger !== undefined) this.linger = accepted.linger;
    const stream = new Stream(this, accepted.raw, accepted.from, accepted.failCode);
    this.stream = stream;
    if (!stream.isBare) stream.raw.resume();
  }

  /** Holds `address` through bind: same port and family, and the same host or an any-address on either side. */
  holds(address: Address): boolean {
    return overlaps(this.boundAddr, address);
  }

  state(): SocketState {
    if (this.listener !== null) return 'LISTEN';
    if (this.stream !== null) return this.stream.state();
    if (this.connecting) return 'SYN_SENT';
    return this.boundAddr === null ? 'UNBOUND' : 'BOUND';
  }

  /** A TLS connection is closed, never reset (stream-handle.ts), so nothing unread makes close a reset. */
  private resettable(): boolean {
    return this.stream !== null && (this.stream.isBare || canReset(this.stream.raw, this.family));
  }

  override unread(): number {
    // An AF_UNIX close resets the peer when the kernel holds bytes unread, as Linux does (unix-reads.ts).
    if (this.family === 'unix') return this.stream?.kernelHeld ?? 0;
    return this.resettable() ? (this.stream?.unread ?? 0) : 0;
  }

  override unaccepted(): { count: number; reset: boolean } {
    return this.listener === null ? super.unaccepted() : { count: this.listener.waiting, reset: this.listener.resetsWaiting };
  }

  override lingerResets(): boolean {
    return this.linger === 0 && this.resettable();
  }

  /** The socket's descriptor (bind's, the listener's, the connection's; TLS's too), for options; or -1 when Node has not made it yet. */
  private fd(): number {
    if (this.stream !== null) return this.stream.osFd();
    return this.listener?.fd() ?? this.boundFd;
  }

  local(): Address | null {
    return this.listener?.local ?? this.stream?.local ?? this.boundAddr;
  }

  peer(): Address | null {
    return this.stream?.remote ?? null;
  }

  queued(): Queued {
    if (this.listener !== null) return { unit: 'connections', count: this.listener.waiting, bytes: 0 };
    const bytes = this.stream?.unread ?? 0;
    return { unit: 'bytes', count: bytes, bytes };
  }

  dropped(): number {
    return this.listener?.dropped ?? 0;
  }

  async bind(host: string, port: number): Promise<Address> {
    this.checkOpen('bind');
    checkPort(port, 'bind', this.name);
    this.checkUnbound();
    this.opening = true;
    try {
      const ip = literalHost(host, this.family, 'bind', this.name, port) ?? (await resolveHost(host, this.family, 'bind', this.name, port));
      const holder = port === 0 ? null : this.core.holderOf({ host: ip, port, family: this.family }, 'tcp', this);
      if (holder !== null) throw new SocketError('EADDRINUSE', 'bind', this.context({ host: ip, port, ...holder }));
      const calls = this.core.addon.calls;
      if (calls !== null && this.family !== 'unix') {
        this.checkOpen('bind');
        const bound = bindInKernel(calls, this.family, ip, port, this.options, this.context());
        this.boundFd = bound.fd;
        this.boundAddr = bound.address;
      } else {
        // Without the addon: the address is probed (listener.ts); the kernel holds it only from listen or connect on.
        if (this.reuseOff && port !== 0) this.bindWithoutReuse(ip, port);
        const actual = await probeAddress(ip, port, this.context());
        this.checkOpen('bind');
        this.boundAddr = { host: ip, port: actual, family: this.family };
      }
    } finally {
      this.opening = false;
    }
    this.tellBound(this.boundAddr, false);
    return this.boundAddr;
  }

  async listen(backlog: number): Promise<Address> {
    this.checkOpen('listen');
    if (!Number.isInteger(backlog)) throw new SocketError('EINVAL_VALUE', 'listen', { socket: this.name, value: String(backlog) });
    if (this.listener !== null) return this.listener.local; // Python allows listen again
    if (this.stream !== null || this.connecting) throw new SocketError('EINVAL_LISTEN_CONNECTED', 'listen', { socket: this.name });
    if (this.opening) throw new SocketError('EBUSY', 'listen', { socket: this.name, pending: 'bind' });
    const implicit = this.boundAddr === null;
    const host = this.boundAddr?.host ?? anyAddress(this.family);
    const port = this.boundAddr?.port ?? 0;
    const calls = this.core.addon.calls;
    this.opening = true;
    let listener: Welcoming;
    try {
      if (calls !== null && this.family !== 'unix' && this.tls === null) {
        // The kernel's accept queue, with the real backlog: an implicit bind first, as listen(2) makes one.
        const own = this.boundFd >= 0 && this.boundAddr !== null ? { fd: this.boundFd, address: this.boundAddr } : null;
        const bound = own ?? bindInKernel(calls, this.family, host, 0, this.options, this.context());
        try {
          listener = KernelListener.open(this, calls, bound.fd, bound.address, backlog);
        } catch (err) {
          // A socket the program bound stays bound, as Python's does when listen fails; listen's own bind goes.
          if (own === null) calls.close(bound.fd, 0);
          throw err;
        }
        this.boundFd = -1;
      } else {
        // Node's server gets a copy of a bound descriptor (kernel-bind.ts): a listen that fails closes the copy, and the socket stays bound.
        const copy = calls === null || this.boundFd < 0 ? -1 : copyBound(calls, this.boundFd, this.context());
        listener = await Listener.open(this, host, port, backlog, this.tls, copy);
        if (this.boundFd >= 0) calls?.close(this.boundFd, 0); // closed already if the socket was closed meanwhile
        this.boundFd = -1;
      }
    } finally {
      this.opening = false;
    }
    if (this.closed) {
      void listener.close();
      throw new SocketError('EBADF', 'listen', { socket: this.name });
    }
    this.listener = listener;
    this.options.applyTo(listener.fd(), onDescriptor);
    const local = listener.local;
    if (implicit) this.tellBound(local, true);
    this.emit({ kind: 'listening', serial: this.serial, socket: this.name, local, backlog });
    return local;
  }

  async accept(options: BlockOptions & CreateOptions): Promise<{ socket: SocketHandle; address: Address }> {
    this.checkSlot(this.reader, 'accept');
    const listener = this.listener;
    if (listener === null) throw new SocketError('EINVAL_NOT_LISTENING', 'accept', { socket: this.name });
    this.checkSignal(options, 'accept');
    let accepted = listener.take();
    if (accepted === undefined) {
      if (this.timeout === 0) throw this.wouldBlock('accept');
      accepted = await this.waitConnection(listener, options);
    }
    if (this.linger !== LINGER_OFF) accepted.linger = this.linger;
    const socket = this.core.adopt(accepted, this.family, options);
    return { socket, address: accepted.from };
  }

  async connect(host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }> {
    this.checkSlot(this.reader, 'connect');
    if (this.listener !== null || this.stream !== null) throw new SocketError('EISCONN', 'connect', { socket: this.name });
    if (this.opening) throw new SocketError('EBUSY', 'connect', { socket: this.name, pending: 'bind' });
    checkPort(port, 'connect', this.name);
    this.checkSignal(options, 'connect');
    if (this.timeout === 0) throw this.wouldBlock('connect');
    this.reader.begin('connect', this.name, this.timeout, options);
    this.connecting = true;
    let stream: Stream;
    try {
      const ip =
        literalHost(host, this.family, 'connect', this.name, port) ?? (await resolveHost(host, this.family, 'connect', this.name, port));
      this.checkOpen('connect');
      stream = await this.handshakeFrom({ ip, port, host });
      if (this.noDelay) stream.raw.setNoDelay(true);
      if (this.keepAlive) stream.raw.setKeepAlive(true);
      this.stream = stream;
      this.options.applyTo(stream.osFd(), onDescriptor);
    } finally {
      this.connecting = false;
      this.reader.end();
    }
    if (this.boundAddr === null && this.family !== 'unix') this.tellBound(stream.local, true); // an AF_UNIX client stays unnamed
    const { serial, name: socket, transport } = this;
    const named = lookedUp(host, this.family);
    const tls = this.secured() ?? undefined;
    this.emit({ kind: 'connected', serial, socket, transport, local: stream.local, remote: stream.remote, named, ...(tls && { tls }) });
    return { local: stream.local, remote: stream.remote };
  }

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

  recv(bufsize: number, options: BlockOptions): Completion<Buffer> {
    return this.receive(bufsize, options, 'recv');
  }

  async recvfrom(bufsize: number, options: BlockOptions): Promise<{ data: Buffer; address: Address | null }> {
    const data = await this.receive(bufsize, options, 'recvfrom');
    return { data, address: null }; // Python returns None as the address of a TCP recvfrom
  }

  /** See Engine.readStream. peek takes nothing, so it tells no 'returned' event: the diagram shows what was taken. */
  readStream(read: StreamRead, options: BlockOptions): Promise<StreamReadResult> {
    const size = read.call === 'recvexactly' || read.call === 'peek' ? read.n : 1;
    const attempt = (): StreamReadResult | null => {
      const stream = this.connection(read.call, 'ENOTCONN');
      const got = stream.read(read);
      if (got?.kind === 'data' && read.call !== 'peek') {
        this.tellReturned(read.call, stream.local, stream.remote, got.data.length, got.data, got.data.length, null);
      }
      return got;
    };
    return Promise.resolve(this.receiveWith(read.call, size, options, attempt, null));
  }

  async sendfile(path: string, options: TransferOptions): Promise<number> {
    const bytes = await sendFile(this, () => this.connection('sendfile', 'EPIPE_UNCONNECTED'), path, options);
    const { local, peer } = this.ends();
    this.tellSent('sendfile', local, peer, null, EMPTY, bytes, path);
    return bytes;
  }

  async recvfile(path: string, nbytes: number | null, options: TransferOptions): Promise<number> {
    const bytes = await recvFile(this, () => this.connection('recvfile', 'ENOTCONN'), path, nbytes, options);
    const { local, peer } = this.ends();
    this.tellReturned('recvfile', local, peer, null, EMPTY, bytes, path);
    return bytes;
  }

  /** Both addresses of the connection, as they are now. */
  private ends(): { local: Address | null; peer: Address | null } {
    return { local: this.local(), peer: this.peer() };
  }

  shutdown(how: ShutdownHow): void {
    this.checkOpen('shutdown');
    const stream = this.stream;
    if (stream === null) throw new SocketError('ENOTCONN', 'shutdown', { socket: this.name });
    const before = stream.state();
    stream.shutdown(how);
    const fin = how !== 'rd' && this.family !== 'unix' && (before === 'ESTABLISHED' || before === 'CLOSE_WAIT');
    this.emit({ kind: 'shut', serial: this.serial, socket: this.name, how, local: stream.local, peer: stream.remote, fin });
    if (how !== 'wr') this.reader.wake(); // a waiting recv now returns b''
  }

  setsockopt(option: SocketOption, value: OptionArg): void {
    this.checkOpen('setsockopt');
    this.checkUnixOption(option, 'setsockopt');
    const route = optionRoute(option, 'tcp');
    if (route !== 'node' && route !== 'addon') throw refusedOption(route, option, this.context());
    const v = value as number; // the group options are refused on TCP, above
    if (route === 'addon') return this.options.set(option as NumericOption, v, this.fd(), "Node's net has no call for it");
    this.setNodeOption(option as NodeOptionOf<'tcp'>, v);
  }

  private setNodeOption(option: NodeOptionOf<'tcp'>, value: number): void {
    const on = value !== 0;
    const raw = this.stream?.raw;
    switch (option) {
      case 'SO_REUSEADDR':
        // Node's bind sets it on every TCP socket (a restarted server can rebind at once): 1 is what it
        // is already; 0 needs the addon, to check a bind as the OS would without it and to clear it.
        if (on) this.options.mirror(option, 1, this.fd());
        else this.options.set(option, 0, this.fd(), 'Node sets SO_REUSEADDR on every TCP bind and has no call to leave it off');
        this.reuseOff = !on;
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'SO_KEEPALIVE':
        this.keepAlive = on;
        // Node's setKeepAlive does nothing on an AF_UNIX socket (a pipe to libuv); Linux keeps the flag.
        if (this.family === 'unix')
          return this.options.set(option, on ? 1 : 0, this.fd(), "Node's setKeepAlive does nothing on a Unix socket");
        raw?.setKeepAlive(on);
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'TCP_NODELAY':
        this.noDelay = on;
        raw?.setNoDelay(on);
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'SO_LINGER':
        // 0: close resets (Node's resetAndDestroy); a wait of N s would stop every socket of the shell.
        if (value > 0) throw lingerWaitRefused(value);
        if (value === 0 && (this.tls !== null || (this.stream !== null && this.secured() !== null))) throw lingerResetRefusedOnTls();
        this.linger = value;
        this.options.mirror(option, value, this.fd());
        this.options.keep(option, value);
        return;
      default: {
        const exhaustive: never = option;
        return exhaustive;
      }
    }
  }

  getsockopt(option: SocketOption): number {
    this.checkOpen('getsockopt');
    this.checkUnixOption(option, 'getsockopt');
    return this.options.get(option, this.fd());
  }

  private checkUnixOption(option: SocketOption, call: 'setsockopt' | 'getsockopt'): void {
    const refused = this.family === 'unix' ? notOnUnix(option, call, this.context()) : null;
    if (refused !== null) throw refused;
  }

  /** bind with SO_REUSEADDR 0: the OS asked whether a socket without it may bind there (the addon's bindcheck). */
  private bindWithoutReuse(ip: string, port: number): void {
    const calls = this.options.need('SO_REUSEADDR', 'Node sets SO_REUSEADDR on every TCP bind');
    const n = calls.bindcheck(ip, port);
    if (n >= 0) return;
    const err = nativeError(calls, n, 'bind');
    throw toSocketError(err, 'bind', this.context({ host: ip, port, ...timeWaitOnly(err, port) }));
  }

  /** See Engine.wrapTls: only before connect or listen. */
  wrapTls(setup: TlsSetup): void {
    this.checkOpen('wrapTls');
    const state = this.state();
    if (state !== 'UNBOUND' && state !== 'BOUND')
      throw new SocketError('EINVAL_TLS', 'wrapTls', { socket: this.name, value: `is ${state}` });
    checkSetup(setup, this.name);
    this.tls = setup;
  }

  override wrapped(): boolean {
    return this.tls !== null;
  }

  override secured(): TlsInfo | null {
    return this.stream === null || this.stream.isBare ? null : tlsOf(this.stream.raw);
  }

  /** connect's handshake: from the descriptor bind made, when there is one (handshakeBound), else Node binds (localAddress) and connects. */
  private async handshakeFrom(target: Target): Promise<Stream> {
    const calls = this.core.addon.calls;
    if (calls === null || this.boundFd < 0) return handshake(this, target, this.boundAddr, this.tls, this.options.beforeConnect());
    const stream = await handshakeBound(this, calls, this.boundFd, target, this.tls);
    this.boundFd = -1;
    return stream;
  }

  release(force: boolean): Promise<void> {
    const jobs: Promise<void>[] = [];
    if (this.boundFd >= 0) this.core.addon.calls?.close(this.boundFd, 0);
    this.boundFd = -1;
    if (this.listener !== null) jobs.push(this.listener.close());
    if (this.stream !== null) jobs.push(this.stream.release(force, this.linger === 0));
    return Promise.all(jobs).then(() => undefined);
  }

  /** As UDP's recvfrom: the call waits on the event loop, and in the addon too (Stream.waitInAddon; BaseSocket.waitWithAddon says when). */
  private receive(bufsize: number, options: BlockOptions, call: RecvCall): Completion<Buffer> {
    const attempt = (): Buffer | null => {
      const stream = this.connection(call, 'ENOTCONN');
      const data = stream.take(bufsize, call);
      if (data !== null) {
        const local = stream.local;
        const from = stream.remote;
        const bytes = data.length;
        this.tellReturned(call, local, from, bufsize, data, bytes, null);
      }
      return data;
    };
    return this.receiveWith(call, bufsize, options, attempt, this.waitInAddon);
  }

  private get waitInAddon(): () => void {
    return (this.waitInAddonMade ??= () => {
      const blocking = this.core.blocking;
      if (blocking !== null && this.stream !== null && !this.closed && blocking.allowed()) this.stream.waitInAddon(blocking);
    });
  }

  /** sockshell connect/listen's bulk path (Engine.bulk), for a connection whose bytes can pass Node. */
  bulk(calls: NativeCalls, fds: { readonly input: number; readonly output: number }): BulkPath | null {
    const stream = this.stream;
    return stream === null || stream.fd() < 0 ? null : bulkPath(this, stream, calls, fds);
  }

  /** The connection, or the error for a socket that has none (listening, or never connected). */
  private connection(call: string, unconnected: 'ENOTCONN' | 'EPIPE_UNCONNECTED'): Stream {
    const stream = this.stream;
    if (stream !== null) return stream;
    // Linux: sending on a listening socket is EPIPE, as on an unconnected one; reading is ENOTCONN.
    if (this.listener !== null)
      throw new SocketError(unconnected === 'EPIPE_UNCONNECTED' ? 'EPIPE_LISTENING' : 'ENOTCONN_LISTENING', call, { socket: this.name });
    throw new SocketError(unconnected, call, { socket: this.name });
  }

  private checkUnbound(): void {
    if (this.boundAddr !== null || this.opening || this.listener !== null || this.stream !== null || this.connecting) {
      throw new SocketError('EINVAL_BOUND', 'bind', { socket: this.name });
    }
  }

  /** As recv's wait: on the event loop, and a microtask later in the addon too (Listener.waitInAddon). */
  private waitConnection(listener: Welcoming, options: BlockOptions): Promise<Accepted> {
    const got = this.waitFor(this.reader, 'accept', options, () => listener.take());
    if (this.core.blocking !== null && this.reader.waiting) queueMicrotask(this.acceptInAddon);
    return got;
  }

  private get acceptInAddon(): () => void {
    return (this.acceptInAddonMade ??= () => {
      const blocking = this.core.blocking;
      if (blocking === null || this.listener === null || this.closed || !blocking.allowed()) return;
      // Nothing came within the wait: after a turn of the loop (its timers, signals, Node's own accepts), wait in the addon again.
      // A timer's turn, not an immediate's: while immediates run the loop says it has work, and the wait would end at once.
      if (this.listener.waitInAddon(blocking) === 'again' && this.reader.waiting) setTimeout(this.acceptInAddon, 0);
    });
  }
}

/** Options set on a descriptor once Node has made it: those Node has no call for, and SO_REUSEADDR 0 and SO_LINGER, kept for getsockopt. */
function onDescriptor(option: NumericOption): boolean {
  return optionRoute(option, 'tcp') === 'addon' || option === 'SO_REUSEADDR' || option === 'SO_LINGER';
}
