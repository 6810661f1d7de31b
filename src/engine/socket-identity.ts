/**
 * Who a socket is (its serial, its label, its engine) and how it tells what it did: every engine event
 * a socket emits goes out through these helpers. The first layer of a socket (base.ts says the rest).
 */
import type { ErrorContext } from './errors.js';
import type { Address, EngineEvent, Family, RecvCall, SendCall, Transport } from './types.js';
import type { Core } from './socket-core.js';

export abstract class SocketIdentity {
  abstract readonly transport: Transport;
  closed = false;

  /**
   * The one handle to this socket, handed to every caller. Its name is the socket's label now: when
   * a new socket takes the label (CreateOptions.displace) the engine writes the new one here, so a
   * handle kept in a variable or as the current socket names it as the engine does.
   */
  readonly ref: { name: string; readonly serial: number };

  constructor(
    readonly core: Core,
    name: string,
    readonly serial: number,
    readonly owner: string,
    readonly family: Family,
  ) {
    this.ref = { name, serial };
  }

  /** The socket's label: it changes when a new socket takes it (CreateOptions.displace). */
  get name(): string {
    return this.ref.name;
  }

  set name(name: string) {
    this.ref.name = name;
  }

  /** Error context naming this socket, plus extra fields. */
  context(extra?: ErrorContext): ErrorContext {
    return { socket: this.name, family: this.family, transport: this.transport, ...extra };
  }

  protected emit(event: EngineEvent): void {
    this.core.emit(event);
  }

  /** bind completed, or the OS bound the socket (implicit) on a first sendto, connect or listen. */
  protected tellBound(address: Address, implicit: boolean): void {
    this.core.emit({ kind: 'bound', serial: this.serial, socket: this.name, transport: this.transport, address, implicit });
  }

  /** A send call handed bytes to the OS (see EngineEvent 'sent'). */
  tellSent(
    call: SendCall,
    local: Address | null,
    to: Address | null,
    named: string | null,
    data: Buffer,
    bytes: number,
    file: string | null,
  ): void {
    const { serial, name: socket, transport } = this;
    this.core.emit({ kind: 'sent', serial, socket, transport, call, local, to, named, bytes, data, file });
  }

  /** A receive call returned bytes to the application (see EngineEvent 'returned'). */
  protected tellReturned(
    call: RecvCall,
    local: Address | null,
    from: Address | null,
    bufsize: number | null,
    data: Buffer,
    bytes: number,
    file: string | null,
  ): void {
    const { serial, name: socket, transport } = this;
    this.core.emit({ kind: 'returned', serial, socket, transport, call, local, from, bufsize, bytes, data, file });
  }
}
