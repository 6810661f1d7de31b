/**
 * A UDP socket with Python's semantics over node:dgram (see DgramHandle): a permanent 'message'
 * listener feeds a capped queue from the moment the socket exists, the first sendto binds implicitly
 * and says so, recvfrom truncates to bufsize and says so, and asynchronous errors (ICMP port
 * unreachable on a connected socket) are stored and reported by the next call, as BSD sockets do.
 * What arrives and the receive calls are udp-receiving.ts (the queue itself udp-inbox.ts); here are
 * bind, connect, send and sendto (how a datagram is handed over is udp-send.ts), shutdown, options,
 * and the calls a UDP socket refuses.
 */
import type { Completion } from '../core/completion.js';
import { isHere } from './call-options.js';
import type dgram from 'node:dgram';
import type { Core } from './base.js';
import { SocketError, toSocketError } from './errors.js';
import { anyAddress, checkDestPort, checkPort, literalHost, lookedUp, resolveHost } from './resolve.js';
import type {
  Address,
  BlockOptions,
  Family,
  ShutdownHow,
  SocketHandle,
  SocketOption,
  SocketState,
  StreamRead,
  StreamReadResult,
} from './types.js';
import { UdpReceiving } from './udp-receiving.js';
import { DatagramSender } from './udp-send.js';
import { optionRoute, type NodeOptionOf, type NumericOption, type OptionArg } from './options.js';
import { notOnIpv4, refusedOption } from './option-errors.js';
import { ShellError } from '../core/errors.js';

/** The largest UDP payload over IPv4: 65535 − 20 (IP header) − 8 (UDP header). */
const MAX_DATAGRAM4 = 65507;

export class UdpSocket extends UdpReceiving {
  private remote: Address | null = null;
  private readonly sender: DatagramSender;

  constructor(core: Core, name: string, serial: number, owner: string, family: Family) {
    super(core, name, serial, owner, family);
    this.sender = new DatagramSender(this, this.handle, this.native);
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
    this.forgetFailure();
    await new Promise<void>((resolve, reject) => {
      sock.connect(port, ip, (err?: Error) => {
        if (err === undefined || err === null) resolve();
        else reject(toSocketError(err, 'connect', this.context({ host, port })));
      });
    });
    this.checkOpen('connect');
    const a = sock.address();
    const local: Address = { host: a.address, port: a.port, family: this.family };
    // The peer as the kernel has it: a connect to the any-address (0.0.0.0, ::) reaches this host, and
    // getpeername says 127.0.0.1 (::1), as Python's does.
    const peer = sock.remoteAddress();
    const remote: Address = { host: peer.address, port: peer.port, family: this.family };
    this.handle.local = local;
    this.remote = remote;
    if (implicit) this.tellBound(local, true);
    const named = lookedUp(host, this.family);
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
    this.checkSending(call);
    return await this.sender.send(data, undefined, remote.host, remote.port, call, false);
  }

  sendto(data: Buffer, host: string, port: number, options: BlockOptions): Completion<number> {
    let ip: string | null;
    try {
      this.checkOpen('sendto');
      checkDestPort(port, 'sendto', this.name);
      this.reportFailure('sendto');
      if (this.remote !== null) return this.sendtoConnected(data, host, port);
      if (this.family === 4 && data.length > MAX_DATAGRAM4) throw this.tooBig('sendto', data, host, port);
      if (this.handle.local !== null) this.checkSending('sendto'); // unbound: Linux binds first (sendtoLater)
      ip = this.sender.literal(host, port);
    } catch (err) {
      return Promise.reject(err);
    }
    // The hot path (an IP literal on a bound socket) adds no await before the send itself.
    if (ip !== null && this.handle.local !== null) return this.sender.send(data, ip, host, port, 'sendto', isHere(options));
    return this.sendtoLater(data, ip, host, port);
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

  /**
   * Python's shutdown as Linux does it on a UDP socket: the socket is marked (`shut`) and nothing is
   * sent, as UDP has no connection to end. Unconnected, Linux refuses (ENOTCONN) yet marks it all
   * the same, and wakes a waiting receive: so does this.
   */
  shutdown(how: ShutdownHow): void {
    this.checkOpen('shutdown');
    if (how !== 'rd') this.shut.wr = true;
    if (how !== 'wr') {
      this.shut.rd = true;
      this.reader.wake(); // a receive waiting for ever returns b'' now
    }
    const peer = this.remote;
    const refused = peer === null ? 'ENOTCONN' : null;
    const { serial, name: socket, transport } = this;
    this.emit({ kind: 'shut', serial, socket, transport, how, local: this.handle.local, peer, fin: false, refused });
    if (refused !== null) throw new SocketError('ENOTCONN_UDP_SHUTDOWN', 'shutdown', { socket: this.name, value: how });
  }

  setsockopt(option: SocketOption, value: OptionArg): void {
    this.checkOpen('setsockopt');
    const refused = notOnIpv4(option, this.family, this.context());
    if (refused !== null) throw refused;
    // On an IPv6 socket, Node's dgram sets IPv6's hops and loop for these; Python sets the IPv4 options named.
    const ipv4OnIpv6 = this.family === 6 && (option === 'IP_MULTICAST_TTL' || option === 'IP_MULTICAST_LOOP');
    const route = ipv4OnIpv6 ? 'addon' : optionRoute(option, 'udp');
    if (route === 'node') return this.handle.setOption(option as NodeOptionOf<'udp'>, value);
    if (route !== 'addon') throw refusedOption(route, option, this.context());
    const why = ipv4OnIpv6 ? "on an IPv6 socket Node's dgram sets IPv6's option instead" : "Node's dgram has no call for it";
    this.options.set(option as NumericOption, value as number, this.handle.fd(), why);
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
    this.checkSending('sendto');
    return this.sender.sendtoOnDescriptor(calls, data, ip, host, port);
  }

  /** sendto that must first look the host up or bind implicitly. */
  private async sendtoLater(data: Buffer, literal: string | null, host: string, port: number): Promise<number> {
    const ip = literal ?? (await resolveHost(host, this.family, 'sendto', this.name, port));
    await this.ensureBound('sendto');
    this.checkOpen('sendto');
    this.checkSending('sendto');
    return await this.sender.transmit(data, ip, host, port, 'sendto');
  }

  /** EPIPE once shutdown marked the socket for writing: Linux checks as it builds the datagram, after the size and the implicit bind. */
  private checkSending(call: string): void {
    if (this.shut.wr) throw new SocketError('EPIPE_UDP_SHUT_WR', call, { socket: this.name });
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

  private tooBig(call: string, data: Buffer, host: string, port: number): SocketError {
    return new SocketError('EMSGSIZE', call, this.context({ host, port, size: data.length }));
  }
}
