/** The engine's open sockets, by label and by serial: the names new sockets get, labels moved aside (displace), and tentative sockets until claimed. */

import type { BaseSocket } from './base.js';
import type { EngineEvent } from './events.js';
import { NameTable } from './names.js';
import type { CreateOptions } from './call-options.js';

export class SocketTable {
  /** Open sockets by name, in creation order; closed sockets leave it. */
  private readonly names = new NameTable<BaseSocket>();
  /** The same sockets by serial: handles resolve through it, so a renamed socket keeps its handles. */
  private readonly bySerial = new Map<number, BaseSocket>();
  /**
   * Sockets made with displace 'tentative' (a shortcut under way) whose name an open socket still
   * has, by serial. They go by that name already, but are not in the name table: the socket holding
   * it keeps it, and says so in every message, until claim() moves it aside.
   */
  private readonly pending = new Map<number, BaseSocket>();
  private serials = 0;

  /** emit hears the 'renamed' of every socket moved aside from its label. */
  constructor(private readonly emit: (event: EngineEvent) => void) {}

  /** The serial of the next socket: never reused. */
  nextSerial(): number {
    return ++this.serials;
  }

  /** The name for a new socket; with displace, an old socket holding it moves to a free name first ('tentative': at claim()). */
  name(options: CreateOptions, prefix: string): string {
    const wanted = options.name;
    const holder = wanted ? this.names.get(wanted) : undefined;
    // Only a name of the same owner moves aside: a job's `serverSocket = …` must not rename yours.
    if (!options.displace || !wanted || !holder || holder.owner !== options.owner) return this.names.free(wanted, prefix);
    if (options.displace === 'tentative') return wanted; // add() keeps it out of the table until claim()
    const moved = this.names.free(wanted, prefix);
    this.names.move(wanted, moved); // wanted is taken again at once, by the new socket
    holder.name = moved;
    this.emit({ kind: 'renamed', socket: moved, serial: holder.serial, from: wanted });
    return wanted;
  }

  /** A new socket, named by name(); tentative (displace 'tentative'): its holder keeps the name until claim(). */
  add(socket: BaseSocket, tentative: boolean): void {
    if (tentative && this.names.get(socket.name) !== undefined) this.pending.set(socket.serial, socket);
    else this.names.set(socket.name, socket);
    this.bySerial.set(socket.serial, socket);
  }

  /** A tentative socket is made for good: the socket holding its name moves aside, and says so ('renamed'). */
  claim(serial: number): void {
    const socket = this.pending.get(serial);
    if (socket === undefined) return;
    this.pending.delete(serial);
    const holder = this.names.get(socket.name);
    if (holder !== undefined && holder.owner === socket.owner) {
      const from = socket.name;
      holder.name = this.names.free(from, 'sock');
      this.names.move(from, holder.name);
      this.emit({ kind: 'renamed', socket: holder.name, serial: holder.serial, from });
    } else if (holder !== undefined) {
      socket.name = this.names.free(socket.name, 'sock'); // another owner's socket took it meanwhile
    }
    this.names.set(socket.name, socket);
  }

  /** The open socket that goes by name now (a tentative one does not yet). */
  lookup(name: string): BaseSocket | undefined {
    return this.names.get(name);
  }

  /** The open socket of a serial, or null for a closed or stale handle. */
  find(serial: number): BaseSocket | null {
    return this.bySerial.get(serial) ?? null;
  }

  /** Every open socket in creation order, tentative ones last. */
  open(): BaseSocket[] {
    const all = [...this.names.values()];
    return this.pending.size === 0 ? all : [...all, ...this.pending.values()];
  }

  /** A socket closed: it leaves both tables. */
  remove(socket: BaseSocket): void {
    // A tentative socket was never in the name table: its name is still its holder's.
    if (!this.pending.delete(socket.serial)) this.names.delete(socket.name);
    this.bySerial.delete(socket.serial);
  }
}
