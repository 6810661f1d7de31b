/**
 * The engine as its sockets see it (Core, socket-core.ts): its settings and event sink, the table of
 * open sockets and the making of them (a new socket, a connection taken from an accept queue), who
 * holds an address, and closing, with the sockets being closed kept so closeAll can wait until every
 * OS handle is released. The Engine contract's calls over handles are engine.ts.
 */
import type { BaseSocket } from './base.js';
import type { Accepted, Core, Holder } from './socket-core.js';
import { AddressHolders } from './address-holders.js';
import { SocketTable } from './socket-table.js';
import { closedEvent } from './closed-event.js';
import { TcpSocket } from './tcp.js';
import type { Address, CreateOptions, EngineEvent, EngineOptions, EventSink, Family, SocketHandle, Transport } from './types.js';
import { UdpSocket } from './udp.js';
import type { Blocking } from './native.js';
import { addonUse, settings, type AddonUse } from './engine-settings.js';
import type { AddonCalls } from './sockopts.js';

export class EngineCore implements Core {
  readonly udpQueueDatagrams: number;
  readonly udpQueueBytes: number;
  readonly tcpQueueBytes: number;
  /** The addon's calls this engine may use, decided (and the addon loaded) at the first ask. */
  private readonly addonUse: () => AddonUse;
  /** Open sockets by label and by serial. */
  readonly sockets = new SocketTable((event) => this.emit(event));
  /** Who holds an address: the sockets above, and what Engine.holdAddress recorded. */
  readonly holders = new AddressHolders(() => this.sockets.open());
  private readonly sink: EventSink;
  /** Closed sockets whose OS handles are still being released (flushing written data). */
  private readonly closing = new Map<BaseSocket, Promise<void>>();

  constructor(options: EngineOptions) {
    this.sink = options.sink;
    const set = settings(options);
    this.udpQueueDatagrams = set.udpQueueDatagrams;
    this.udpQueueBytes = set.udpQueueBytes;
    this.tcpQueueBytes = set.tcpQueueBytes;
    this.addonUse = addonUse(options);
  }

  get blocking(): Blocking | null {
    return this.addonUse().blocking;
  }

  get addon(): AddonCalls {
    return this.addonUse().addon;
  }

  emit(event: EngineEvent): void {
    try {
      this.sink(event);
    } catch {
      // A throwing sink is the caller's bug; it must not break a socket's event handler or crash Node.
    }
  }

  /** A new socket in the table (Engine.create). */
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

  open(): Iterable<BaseSocket> {
    return this.sockets.open();
  }

  holderOf(address: Address, transport: Transport, asking: BaseSocket, connected = false): Holder | null {
    return this.holders.holderOf(address, transport, asking, connected);
  }

  /**
   * Closed at once for every caller; its OS handles are released in the background. What the kernel
   * holds for it and nobody read is read and told first (settle): bytes there make the close a reset,
   * not a FIN, and Node may not have read them yet (piped lines run without a turn of the loop between
   * them: `a.send hi` then `k.close` drew k's FIN where the kernel sent only a RST).
   */
  close(socket: BaseSocket, by: 'us' | 'owner'): void {
    socket.settle(true);
    const event = closedEvent(socket, by);
    this.sockets.remove(socket);
    const released = socket.close().catch(() => undefined);
    this.closing.set(socket, released);
    void released.then(() => this.closing.delete(socket));
    this.emit(event);
  }

  /** Every release still under way is forced (nothing more is flushed); resolves when all are done. */
  async released(): Promise<void> {
    const releasing = [...this.closing.keys()].map((socket) => socket.release(true));
    await Promise.all([...releasing, ...this.closing.values()]);
  }
}
