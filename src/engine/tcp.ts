/**
 * A TCP socket over node:net and, where the addon is built, its own descriptor. One object goes
 * through Python's states: UNBOUND → BOUND (a descriptor bound in the kernel, kernel-bind.ts; without
 * the addon, a probed address) → LISTEN (a welcoming socket whose accept queue is the kernel's,
 * kernel-listener.ts; TLS, AF_UNIX and builds without the addon: Node's server, node-listener.ts), or
 * UNBOUND/BOUND → SYN_SENT → ESTABLISHED (a connection, see Stream). Sockets that accept returns
 * start ESTABLISHED. Here are the calls that move it between states (bind, listen, accept, connect,
 * shutdown); what it is now is tcp-state.ts, and its other calls are built up in tcp-options.ts,
 * tcp-sending.ts and tcp-receiving.ts, each class extending the one before.
 */
import type { Accepted } from './base.js';
import { andThen, type Completion } from '../core/completion.js';
import { isHere } from './call-options.js';
import { SocketError } from './errors.js';
import { probeAddress } from './bind-probe.js';
import { NodeListener } from './node-listener.js';
import { failedWhileQueued } from './unaccepted.js';
import type { Welcoming } from './welcoming.js';
import { KernelListener } from './kernel-listener.js';
import { bindInKernel, copyBound } from './kernel-bind.js';
import { anyAddress, checkPort, literalHost, lookedUp, resolveHost } from './resolve.js';
import { handshake, handshakeBound, type Target } from './tcp-connect.js';
import { LINGER_OFF } from './options.js';
import type { NativeCalls } from './native.js';
import { bulkPath } from './bulk-pump.js';
import { onDescriptor } from './tcp-options.js';
import { TcpReceiving } from './tcp-receiving.js';
import type { Stream } from './tcp-stream.js';
import type { BulkPath, Address, BlockOptions, CreateOptions, ShutdownHow, SocketHandle } from './types.js';

export class TcpSocket extends TcpReceiving {
  private acceptInAddonMade: (() => void) | null = null;
  /** The address the OS had bound for the last connect attempt, which failed (connect-attempt.ts): getsockname's until the next call that binds. */
  private attempted: Address | null = null;

  async bind(host: string, port: number): Promise<Address> {
    this.checkOpen('bind');
    checkPort(port, 'bind', this.name);
    this.checkUnbound();
    this.opening = true;
    try {
      const ip = literalHost(host, this.family, 'bind', this.name, port) ?? (await resolveHost(host, this.family, 'bind', this.name, port));
      const holder = port === 0 ? null : this.core.holderOf({ host: ip, port, family: this.family }, 'tcp', this);
      if (holder !== null) throw new SocketError('EADDRINUSE', 'bind', this.context({ host: ip, port, ...holder }));
      this.boundAddr = await this.bindTo(ip, port).catch((err: unknown) => {
        // Refused by the OS: a connection of this shell on that port is named, not "another program". (A
        // Unix path's refusal says what the socket file is, which names no port.)
        const named = isInUse(err) && this.family !== 'unix';
        const connection = named ? this.core.holderOf({ host: ip, port, family: this.family }, 'tcp', this, true) : null;
        throw connection === null ? err : new SocketError('EADDRINUSE', 'bind', this.context({ host: ip, port, ...connection }));
      });
    } finally {
      this.opening = false;
    }
    this.tellBound(this.boundAddr, false);
    return this.boundAddr;
  }

  /** bind's own: in the kernel through the addon, or (without it) a probe of the address. The address bound. */
  private async bindTo(ip: string, port: number): Promise<Address> {
    const calls = this.core.addon.calls;
    if (calls !== null && this.family !== 'unix') {
      this.checkOpen('bind');
      const bound = bindInKernel(calls, this.family, ip, port, this.options, this.context());
      this.boundFd = bound.fd;
      return bound.address;
    }
    // Without the addon: the address is probed (bind-probe.ts); the kernel holds it only from listen or connect on.
    if (this.reuseOff && port !== 0) this.bindWithoutReuse(ip, port);
    const actual = await probeAddress(ip, port, this.context());
    this.checkOpen('bind');
    return { host: ip, port: actual, family: this.family };
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
        listener = await NodeListener.open(this, host, port, backlog, this.tls, copy);
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

  /**
   * A connection queued (or, with HereOptions on the native back end, one that comes within the wait
   * in the addon) is returned itself, as recv's bytes are (core/completion.ts); else a promise.
   */
  /** address: the client's, or null when it is not known (Accepted.from). */
  accept(options: BlockOptions & CreateOptions): Completion<{ socket: SocketHandle; address: Address | null }> {
    let listener: Welcoming | null;
    let accepted: Accepted | undefined;
    try {
      this.checkSlot(this.reader, 'accept');
      listener = this.listener;
      if (listener === null) throw new SocketError('EINVAL_NOT_LISTENING', 'accept', { socket: this.name });
      this.checkSignal(options, 'accept');
      accepted = listener.take();
      if (accepted === undefined && this.timeout === 0) throw this.wouldBlock('accept');
    } catch (err) {
      return Promise.reject(err);
    }
    if (accepted === undefined) return andThen(this.waitConnection(listener, options), (a) => this.adopted(a, options));
    accepted.queued = true; // it waited in the queue: what came meanwhile is told at hand-over (queued-news.ts)
    const got = this.adopted(accepted, options);
    return isHere(options) || got instanceof Promise ? got : Promise.resolve(got);
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
    this.attempted = null;
    let stream: Stream;
    let ip: string;
    try {
      ip = literalHost(host, this.family, 'connect', this.name, port) ?? (await resolveHost(host, this.family, 'connect', this.name, port));
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
    // A stream connect made knows its peer (tcp-connect.ts); only an accepted one may not (Accepted.from).
    const remote = stream.remote ?? { host: ip, port, family: this.family };
    this.emit({ kind: 'connected', serial, socket, transport, local: stream.local, remote, named, ...(tls && { tls }) });
    stream.tellStored(); // a reset that came with the handshake (tcp-connect.ts resetAtOnce), after it
    return { local: stream.local, remote };
  }

  /** A promise when the FIN is Node's to send (no addon, TLS): it resolves once the FIN has gone (tcp-stream.ts finSent). */
  shutdown(how: ShutdownHow): Completion<void> {
    this.checkOpen('shutdown');
    const stream = this.stream;
    if (stream === null) throw new SocketError('ENOTCONN', 'shutdown', { socket: this.name });
    const before = stream.state();
    const sent = stream.shutdown(how);
    const fin = how !== 'rd' && this.family !== 'unix' && (before === 'ESTABLISHED' || before === 'CLOSE_WAIT');
    const { serial, name: socket, transport } = this;
    this.emit({ kind: 'shut', serial, socket, transport, how, local: stream.local, peer: stream.remote, fin, refused: null });
    if (how !== 'wr') this.reader.wake(); // a waiting recv now returns b''
    return sent;
  }

  /** Python's getsockname: after a failed connect, the port the OS had bound for it, as Linux keeps it. */
  override getsockname(): Address {
    return this.local() ?? this.attempted ?? super.getsockname();
  }

  /** sockshell connect/listen's bulk path (Engine.bulk), for a connection whose bytes can pass Node. */
  bulk(calls: NativeCalls, fds: { readonly input: number; readonly output: number }): BulkPath | null {
    const stream = this.stream;
    return stream === null || stream.fd() < 0 ? null : bulkPath(this, stream, calls, fds);
  }

  /** connect's handshake: from the descriptor bind made, when there is one (handshakeBound), else Node binds (localAddress) and connects. */
  private async handshakeFrom(target: Target): Promise<Stream> {
    const calls = this.core.addon.calls;
    if (calls === null || this.boundFd < 0)
      return handshake(this, target, this.boundAddr, this.tls, this.options.beforeConnect(), (local) => (this.attempted = local));
    const stream = await handshakeBound(this, calls, this.boundFd, target, this.tls);
    this.boundFd = -1;
    return stream;
  }

  /**
   * The new socket for a connection taken from the queue; a rejected promise if making it failed
   * (Completion's errors are never thrown).
   */
  private adopted(accepted: Accepted, options: CreateOptions): Completion<{ socket: SocketHandle; address: Address | null }> {
    try {
      if (this.linger !== LINGER_OFF) accepted.linger = this.linger;
      return { socket: this.core.adopt(failedWhileQueued(accepted), this.family, options), address: accepted.from };
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** As recv's wait: on the event loop, and in the addon too (Welcoming.waitInAddon): before this returns with HereOptions, else a microtask later. */
  private waitConnection(listener: Welcoming, options: BlockOptions): Completion<Accepted> {
    return this.waitWithAddon(this.reader, 'accept', options, () => listener.take(), this.acceptInAddon);
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

function isInUse(err: unknown): boolean {
  return err instanceof SocketError && err.code === 'EADDRINUSE';
}
