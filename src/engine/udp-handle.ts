/**
 * The node:dgram socket behind one UDP socket. Node takes reuseAddr only when it creates the socket and
 * refuses setBroadcast before bind, so the dgram socket is created at the first bind (explicit or
 * implicit), and options set earlier are kept and applied once it is bound. Bind errors arrive as
 * 'error' events: they reject that bind, and the socket can be bound again.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import { SocketError, toSocketError, type ErrorContext } from './errors.js';
import type { Address, Family } from './types.js';
import { ShellError } from '../core/errors.js';
import { optionRoute, type NodeOptionOf, type NumericOption, type OptionArg } from './options.js';
import type { DescriptorOptions } from './sockopts.js';

export type UdpOption = NodeOptionOf<'udp'>;

interface BindWait {
  readonly resolve: () => void;
  readonly reject: (err: SocketError) => void;
  readonly call: string;
  readonly host: string;
  readonly port: number;
}

export class DgramHandle {
  /** The dgram socket, once the first bind created it. */
  sock: dgram.Socket | null = null;
  /** The bound address; connect updates it, as the kernel then picks a source IP. */
  local: Address | null = null;
  /** A bind on its way (dgram binds asynchronously). */
  binding: Promise<Address> | null = null;
  private bindWait: BindWait | null = null;
  private released: Promise<void> | null = null;
  private reuseAddr = false;
  private broadcast = false;
  private rcvbuf = 0;
  private sndbuf = 0;
  /** IP_MULTICAST_TTL and IP_MULTICAST_LOOP set before bind, for then (null: the OS's default). */
  private multicastTtl: number | null = null;
  private multicastLoop: boolean | null = null;
  private multicastIf: string | null = null;
  private fdCache = -1;

  constructor(
    private readonly family: Family,
    /** The owner's error context as it is at the time: the socket's label moves when a new socket takes it. */
    private readonly context: () => ErrorContext,
    /** What is set on the descriptor itself, through the addon (sockopts.ts). */
    private readonly options: DescriptorOptions,
    private readonly onMessage: (data: Buffer, rinfo: dgram.RemoteInfo) => void,
    /** Errors outside bind: ICMP port unreachable on a connected socket. */
    private readonly onError: (err: Error) => void,
  ) {}

  /** Binds to ip:port (ip already resolved) and resolves with the bound address. */
  bind(ip: string, port: number, call: string): Promise<Address> {
    const sock = this.open();
    const binding = new Promise<void>((resolve, reject) => {
      this.bindWait = { resolve, reject, call, host: ip, port };
      try {
        sock.bind({ port, address: ip });
      } catch (err) {
        this.bindWait = null;
        reject(toSocketError(err, call, { ...this.context(), host: ip, port }));
      }
    }).then(
      () => {
        this.binding = null;
        return this.local as Address;
      },
      (err: unknown) => {
        this.binding = null;
        throw err;
      },
    );
    this.binding = binding;
    return binding;
  }

  setOption(option: UdpOption, value: OptionArg): void {
    if (typeof value === 'string') return this.multicastInterface(option, value);
    if (typeof value !== 'number') return this.membership(option, value);
    const on = value !== 0;
    const bound = this.local === null ? null : this.sock;
    switch (option) {
      case 'SO_REUSEADDR':
        // Node takes reuseAddr as it makes the socket (at bind); on a bound one the addon sets it, as Linux allows.
        if (this.sock !== null)
          return this.options.set(option, on ? 1 : 0, this.fd(), "Node's dgram takes SO_REUSEADDR only as it makes the socket, at bind");
        this.reuseAddr = on;
        return this.options.keep(option, on ? 1 : 0);
      case 'SO_BROADCAST':
        this.broadcast = on;
        bound?.setBroadcast(on);
        return this.options.keep(option, on ? 1 : 0);
      case 'SO_RCVBUF':
      case 'SO_SNDBUF':
        if (!Number.isInteger(value) || value <= 0) {
          throw new SocketError('EINVAL_VALUE', 'setsockopt', { ...this.context(), value: `${option} ${value}` });
        }
        if (option === 'SO_RCVBUF') this.rcvbuf = value;
        else this.sndbuf = value;
        if (bound !== null) this.applyBufferSizes(bound);
        return this.options.keep(option, value);
      case 'IP_MULTICAST_TTL':
        if (!Number.isInteger(value) || value < 0 || value > 255)
          throw new ShellError(`IP_MULTICAST_TTL is a number of hops, 0 to 255, not ${value}`, null);
        this.multicastTtl = value;
        this.apply(() => bound?.setMulticastTTL(value));
        return this.options.keep(option, value);
      case 'IP_MULTICAST_LOOP':
        this.multicastLoop = on;
        this.apply(() => bound?.setMulticastLoopback(on));
        return this.options.keep(option, on ? 1 : 0);
      case 'IP_MULTICAST_IF':
        throw new ShellError(`${option} takes an interface's address (127.0.0.1), not a number`, null);
      case 'IP_ADD_MEMBERSHIP':
      case 'IP_DROP_MEMBERSHIP':
        throw new ShellError(`${option} takes a multicast group address (and an interface address), not a number`, null);
      case 'IPV6_JOIN_GROUP':
      case 'IPV6_LEAVE_GROUP':
        throw new ShellError(`${option} takes an IPv6 multicast group address (and an interface), not a number`, null);
      default: {
        const exhaustive: never = option;
        return exhaustive;
      }
    }
  }

  /** IP_MULTICAST_IF: dgram's setMulticastInterface, now on a bound socket, else at bind. */
  private multicastInterface(option: UdpOption, address: string): void {
    if (option !== 'IP_MULTICAST_IF') throw new ShellError(`${option} takes a number, not an address`, null);
    this.multicastIf = address;
    const sock = this.local === null ? null : this.sock;
    this.apply(() => sock?.setMulticastInterface(address));
  }

  /**
   * IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP and IPv6's IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP: dgram's
   * addMembership and dropMembership, on the bound socket (Node makes it at bind).
   */
  private membership(option: UdpOption, value: Exclude<OptionArg, number | string>): void {
    const ipv6 = option === 'IPV6_JOIN_GROUP' || option === 'IPV6_LEAVE_GROUP';
    if (!ipv6 && option !== 'IP_ADD_MEMBERSHIP' && option !== 'IP_DROP_MEMBERSHIP') {
      throw new ShellError(`${option} takes a number, not a group address`, null);
    }
    const sock = this.local === null ? null : this.sock;
    if (sock === null) {
      throw new ShellError(
        `${option} on an unbound UDP socket: Node's dgram makes the socket only at bind, and can join a group only then — bind first (udp.bind '' PORT), as a multicast receiver does; a limit of this build, not an error from the OS`,
        null,
      );
    }
    // For IPv6, libuv takes the interface as an address whose zone names it ('::%eth0'), as ipv6mr_interface.
    const iface = value.iface === null ? undefined : ipv6 ? `::%${value.iface}` : value.iface;
    const join = option === 'IP_ADD_MEMBERSHIP' || option === 'IPV6_JOIN_GROUP';
    this.apply(() => (join ? sock.addMembership(value.group, iface) : sock.dropMembership(value.group, iface)));
  }

  /** A dgram option call; its error as setsockopt's. */
  private apply(call: () => void): void {
    try {
      call();
    } catch (err) {
      throw toSocketError(err, 'setsockopt', this.context());
    }
  }

  /**
   * The socket's descriptor once it is bound, for the native fast path; -1 before, after close, or
   * where Node does not say (its UDP handle's fd, found by the symbol dgram keeps its state under).
   */
  fd(): number {
    if (this.released !== null || this.local === null || this.sock === null) return -1;
    if (this.fdCache < 0) {
      const state = (this.sock as unknown as Record<symbol, { handle?: { fd?: unknown } } | undefined>)[dgramState(this.sock)];
      const fd = state?.handle?.fd;
      this.fdCache = typeof fd === 'number' && fd >= 0 ? fd : -1;
    }
    return this.fdCache;
  }

  /** Closes the dgram socket (a bind on its way fails with EBADF); resolves when it is released. */
  close(): Promise<void> {
    if (this.released !== null) return this.released;
    const wait = this.bindWait;
    if (wait !== null) {
      this.bindWait = null;
      wait.reject(new SocketError('EBADF', wait.call, this.context()));
    }
    const sock = this.sock;
    this.released =
      sock === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            try {
              sock.close(() => resolve());
            } catch {
              resolve(); // already closed
            }
          });
    return this.released;
  }

  private open(): dgram.Socket {
    let sock = this.sock;
    if (sock === null) {
      sock = dgram.createSocket({ type: this.family === 4 ? 'udp4' : 'udp6', reuseAddr: this.reuseAddr, lookup: literalAtOnce });
      sock.on('message', this.onMessage);
      sock.on('error', this.onSocketError);
      sock.on('listening', this.onListening);
      this.sock = sock;
    }
    return sock;
  }

  private applyBufferSizes(sock: dgram.Socket): void {
    try {
      if (this.rcvbuf > 0) sock.setRecvBufferSize(this.rcvbuf);
      if (this.sndbuf > 0) sock.setSendBufferSize(this.sndbuf);
    } catch (err) {
      throw toSocketError(err, 'setsockopt', this.context());
    }
  }

  private readonly onListening = (): void => {
    const wait = this.bindWait;
    const sock = this.sock;
    if (wait === null || sock === null) return;
    this.bindWait = null;
    const a = sock.address();
    this.local = { host: a.address, port: a.port, family: this.family };
    try {
      if (this.broadcast) sock.setBroadcast(true);
      if (this.multicastTtl !== null) sock.setMulticastTTL(this.multicastTtl);
      if (this.multicastLoop !== null) sock.setMulticastLoopback(this.multicastLoop);
      if (this.multicastIf !== null) sock.setMulticastInterface(this.multicastIf);
      this.applyBufferSizes(sock);
      this.options.applyTo(this.fd(), onDescriptor);
    } catch {
      // a buffer size the OS refuses does not undo the bind
    }
    wait.resolve();
  };

  private readonly onSocketError = (err: Error): void => {
    const wait = this.bindWait;
    if (wait === null) {
      this.onError(err);
      return;
    }
    this.bindWait = null;
    wait.reject(toSocketError(err, wait.call, { ...this.context(), host: wait.host, port: wait.port }));
  };
}

/**
 * dgram's lookup of every send's and bind's address: an IP literal (the engine hands dgram nothing else;
 * resolve.ts looked names up before) is its own answer at once, where dns.lookup checks it again and
 * answers a tick later — a tick and the checks on every sendto of the event-loop engine. Anything else
 * is dns.lookup's, as dgram's default.
 */
function literalAtOnce(host: string, options: dns.LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(host);
  if (family !== 0) callback(null, host, family);
  else dns.lookup(host, typeof options === 'number' ? { family: options } : options, callback);
}
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

let stateSymbol: symbol | null = null;

/** The symbol node:dgram keeps a socket's state under (its handle among it): Symbol('state symbol') in Node 20. */
function dgramState(sock: dgram.Socket): symbol {
  stateSymbol ??= Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol') ?? Symbol('none');
  return stateSymbol;
}

/** Options kept before bind that the addon sets on the descriptor once dgram has made it. */
function onDescriptor(option: NumericOption): boolean {
  return optionRoute(option, 'udp') === 'addon';
}
