/**
 * The node:dgram socket behind one UDP socket. Node takes reuseAddr only when it creates the socket and
 * refuses setBroadcast before bind, so the dgram socket is created at the first bind (explicit or
 * implicit), and options set earlier are kept and applied once it is bound. Bind errors arrive as
 * 'error' events: they reject that bind, and the socket can be bound again.
 */
import dgram from 'node:dgram';
import { SocketError, toSocketError, type ErrorContext } from './errors.js';
import type { Address, Family } from './types.js';
import type { OptionOf } from './options.js';

export type UdpOption = OptionOf<'udp'>;

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
  private fdCache = -1;

  constructor(
    private readonly family: Family,
    private readonly context: ErrorContext,
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
        reject(toSocketError(err, call, { ...this.context, host: ip, port }));
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

  setOption(option: UdpOption, value: number): void {
    const on = value !== 0;
    const bound = this.local === null ? null : this.sock;
    switch (option) {
      case 'SO_REUSEADDR':
        if (this.sock !== null) throw new SocketError('EINVAL_TOO_LATE', 'setsockopt', { ...this.context, value: option });
        this.reuseAddr = on;
        return;
      case 'SO_BROADCAST':
        this.broadcast = on;
        bound?.setBroadcast(on);
        return;
      case 'SO_RCVBUF':
      case 'SO_SNDBUF':
        if (!Number.isInteger(value) || value <= 0) {
          throw new SocketError('EINVAL_VALUE', 'setsockopt', { ...this.context, value: `${option} ${value}` });
        }
        if (option === 'SO_RCVBUF') this.rcvbuf = value;
        else this.sndbuf = value;
        if (bound !== null) this.applyBufferSizes(bound);
        return;
      default: {
        const exhaustive: never = option;
        return exhaustive;
      }
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
      wait.reject(new SocketError('EBADF', wait.call, this.context));
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
      sock = dgram.createSocket({ type: this.family === 4 ? 'udp4' : 'udp6', reuseAddr: this.reuseAddr });
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
      throw toSocketError(err, 'setsockopt', this.context);
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
      this.applyBufferSizes(sock);
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
    wait.reject(toSocketError(err, wait.call, { ...this.context, host: wait.host, port: wait.port }));
  };
}

let stateSymbol: symbol | null = null;

/** The symbol node:dgram keeps a socket's state under (its handle among it): Symbol('state symbol') in Node 20. */
function dgramState(sock: dgram.Socket): symbol {
  stateSymbol ??= Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol') ?? Symbol('none');
  return stateSymbol;
}
