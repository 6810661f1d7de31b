import type { Address, EngineEvent, Transport } from '../engine/types.js';
import type { RelayEvent } from '../relay/index.js';
import { hostPort } from '../lang/values.js';
import type { Exchange, LoggedSocket } from './exchange.js';
import { DataRecord, OtherRecord, type DataKind, type Entry } from './exchange-records.js';

/** The socket an engine event is about, as the log keeps it: its label then. */
const at = (e: { readonly serial: number; readonly socket: string }): LoggedSocket => ({ serial: e.serial, name: e.socket });

/** A relay listening on every interface is reached, on this host, at loopback: its lane is drawn there. */
const reachable = (a: Address): Address =>
  a.host === '0.0.0.0' || a.host === '::' ? { ...a, host: a.family === 6 ? '::1' : '127.0.0.1' } : a;

const LIMIT = 2000;
const NAMES_KEPT = 256;
const PREVIEW = 24;
/**
 * Arrivals on one socket in a row, with nothing else logged between, kept one by one; the rest of
 * the run is one more record that counts them (its pieces): a 1 GB download takes four records, not
 * 16,000, and a few pieces still show as a few.
 */
const RUN_KEPT = 3;

/** A ring of the last LIMIT exchanges: adding is O(1) however long the session runs. */
export class ExchangeLog {
  private readonly ring: Entry[] = [];
  private next = 0;
  private readonly previews = Buffer.alloc(LIMIT * PREVIEW);
  dropped = 0;
  /** The run of arrivals the last record belongs to: its socket (-1: none) and how many records it has. */
  private runSerial = -1;
  private runRecords = 0;
  /** The names the user gave addresses (localhost for 127.0.0.1:12000), by resolved host:port: the diagram labels a peer's lane with them. */
  readonly names = new Map<string, string>();
  /** Addresses a relay of this shell named (its own sockets): a name the user gives them later does not replace the relay's. */
  readonly relays = new Set<string>();

  add(exchange: Exchange): void {
    this.put(new OtherRecord(exchange));
  }

  /**
   * Keeps what `diagram` draws of an engine event: the completed calls, each new label, an error that
   * arrived and a datagram cut short. Data queued and FIN arriving show in what the calls returned.
   */
  hear(e: EngineEvent): void {
    switch (e.kind) {
      case 'sent':
        if (e.named !== null && e.to !== null) this.named(e.to, e.named);
        return this.data('send', e.serial, e.socket, e.transport, e.call, e.local, e.to, e.bytes, e.data, e.file);
      case 'returned':
        // On TCP, recv 0 asks for nothing and takes nothing; its b'' is not the peer's FIN.
        if (e.transport === 'tcp' && e.bufsize === 0) return;
        return this.data('recv', e.serial, e.socket, e.transport, e.call, e.local, e.from, e.bytes, e.data, e.file);
      case 'bound':
        // A UDP datagram can reach a socket of this shell before sendto's own event: the bind says whose it is.
        // A TCP socket's implicit bind is in its connect or listen.
        if (!e.implicit || e.transport === 'udp')
          this.add({ kind: 'bind', socket: at(e), transport: e.transport, local: e.address, implicit: e.implicit });
        return;
      case 'listening':
        return this.add({ kind: 'listen', socket: at(e), local: e.local });
      case 'connected':
        if (e.named !== null) this.named(e.remote, e.named);
        return this.add({
          kind: 'connect',
          socket: at(e),
          transport: e.transport,
          local: e.local,
          remote: e.remote,
          ...(e.tls && { tls: e.tls }),
        });
      case 'accepted': {
        const conn = { serial: e.conn, name: e.connName };
        return this.add({ kind: 'accept', socket: at(e), conn, local: e.local, peer: e.peer, ...(e.tls && { tls: e.tls }) });
      }
      case 'rejected':
        return this.add({ kind: 'rejected', socket: at(e), from: e.from, detail: e.detail });
      case 'connectFailed':
        return this.add({ kind: 'connectFailed', socket: at(e), transport: e.transport, remote: e.remote, code: e.code, tls: e.tls });
      case 'shut':
        this.add({ kind: 'shut', socket: at(e), transport: e.transport, how: e.how, fin: e.fin, refused: e.refused });
        if (e.fin) this.add({ kind: 'fin', socket: at(e), local: e.local, to: e.peer, call: 'shutdown' });
        return;
      case 'closed':
        if ((e.unread > 0 || e.linger) && e.peer !== null)
          return this.add({ kind: 'reset', socket: at(e), local: e.local, to: e.peer, unread: e.unread });
        return this.add(
          e.fin ? { kind: 'fin', socket: at(e), local: e.local, to: e.peer, call: 'close' } : { kind: 'close', socket: at(e) },
        );
      case 'renamed':
        return this.add({ kind: 'relabel', socket: at(e) });
      case 'failed':
        return this.add({ kind: 'failed', socket: at(e), code: e.code, ...(e.ownReset && { ownReset: e.ownReset }) });
      case 'truncated':
        return this.add({ kind: 'cut', socket: at(e), size: e.size, bufsize: e.bufsize });
      case 'eof':
        return this.add({ kind: 'ended', socket: at(e), end: e.end });
      case 'received':
        return this.arrived(e.serial, e.socket, e.transport, e.from, e.bytes, e.data);
      case 'incoming':
      case 'dropped':
      case 'paused':
      case 'joined':
        return;
      default: {
        const exhaustive: never = e;
        return exhaustive;
      }
    }
  }

  /**
   * Keeps what `diagram` draws of a relay: a lost datagram, as a note on the lane of the relay's
   * address it was sent to, and the relay's name under that lane. What it forwarded shows in what the
   * sockets at either end sent and received.
   */
  hearRelay(e: RelayEvent, job?: number): void {
    const relay = job === undefined ? 'relay' : `relay job %${job}`;
    switch (e.kind) {
      case 'ready':
        return this.named(reachable(e.local), `${relay} to ${hostPort(e.target)}`, true);
      case 'client':
        return this.named(e.via, `${relay} for ${hostPort(e.client)}`, true);
      case 'lost':
        return this.add({ kind: 'lost', at: reachable(e.at), bytes: e.bytes, preview: Buffer.from(e.data.subarray(0, PREVIEW)) });
      case 'data':
      case 'passed':
      case 'duplicated':
      case 'reordered':
      case 'failed':
      case 'ended':
        return;
      default: {
        const exhaustive: never = e;
        return exhaustive;
      }
    }
  }

  /**
   * The user reached address by name: the last name given to each of a few addresses is kept. A
   * relay's own name for its address (relay) stays: what the user calls it says less.
   */
  private named(address: Address, name: string, relay = false): void {
    const key = hostPort(address);
    if (this.names.get(key) === name) return;
    if (relay) this.relays.add(key);
    else if (this.relays.has(key)) return;
    if (this.names.size >= NAMES_KEPT) {
      const oldest = this.names.keys().next().value!;
      this.names.delete(oldest);
      this.relays.delete(oldest);
    }
    this.names.set(key, name);
  }

  /** An arrival: a record of its own, or one more piece of the last record (RUN_KEPT). */
  private arrived(serial: number, name: string, transport: Transport, from: Address | null, bytes: number, payload: Buffer): void {
    const last = this.ring[this.ring.length < LIMIT ? this.ring.length - 1 : (this.next + LIMIT - 1) % LIMIT];
    if (this.runSerial === serial && this.runRecords > RUN_KEPT && last !== undefined && last.data && last.kind === 'arrive') {
      last.bytes += bytes;
      last.pieces++;
      return;
    }
    const records = this.runSerial === serial ? this.runRecords + 1 : 1;
    this.data('arrive', serial, name, transport, 'arrival', null, from, bytes, payload, null);
    this.runSerial = serial;
    this.runRecords = records;
  }

  /** A send (peer: where it went), a recv or an arrival (peer: where it came from) of payload. */
  private data(
    kind: DataKind,
    serial: number,
    name: string,
    transport: Transport,
    call: string,
    local: Address | null,
    peer: Address | null,
    bytes: number,
    payload: Buffer,
    file: string | null,
  ): void {
    this.runSerial = -1;
    const at = this.ring.length < LIMIT ? this.ring.length : this.next;
    const old = this.ring[at];
    const previewLength = payload.copy(this.previews, at * PREVIEW, 0, PREVIEW);
    if (old !== undefined && old.data) {
      old.kind = kind;
      old.serial = serial;
      old.name = name;
      old.transport = transport;
      old.call = call;
      old.local = local;
      old.peer = peer;
      old.bytes = bytes;
      old.pieces = 1;
      old.previewLength = previewLength;
      old.file = file;
      this.advance();
      return;
    }
    this.put(new DataRecord(kind, serial, name, transport, call, local, peer, bytes, 1, previewLength, file));
  }

  /**
   * The socket (serial) spoke to address first, by a send, as far back as the log goes: a client
   * hearing back from where it sent. False when the first word between them came from address (a
   * server's client), or the log has none.
   */
  spokeFirst(serial: number, address: Address): boolean {
    const key = hostPort(address);
    const count = this.ring.length;
    const start = count < LIMIT ? 0 : this.next;
    for (let i = 0; i < count; i++) {
      const e = this.ring[(start + i) % LIMIT]!;
      if (!e.data || e.serial !== serial || e.peer === null || hostPort(e.peer) !== key) continue;
      return e.kind === 'send';
    }
    return false;
  }

  /** Oldest first. */
  all(): Exchange[] {
    const order = this.ring.length < LIMIT ? this.ring.map((_, i) => i) : this.ring.map((_, i) => (this.next + i) % LIMIT);
    return order.map((i) => this.exchange(i));
  }

  private exchange(i: number): Exchange {
    const e = this.ring[i]!;
    if (!e.data) return e.exchange;
    const preview = Buffer.from(this.previews.subarray(i * PREVIEW, i * PREVIEW + e.previewLength));
    const { transport, call, local, bytes, file } = e;
    const socket = { serial: e.serial, name: e.name };
    switch (e.kind) {
      case 'send':
        return { kind: 'send', socket, transport, call, local, to: e.peer, bytes, preview, file };
      case 'recv':
        return { kind: 'recv', socket, transport, call, local, from: e.peer, bytes, preview, file };
      case 'arrive':
        return { kind: 'arrived', socket, transport, from: e.peer, bytes, pieces: e.pieces, preview };
      default: {
        const exhaustive: never = e.kind;
        return exhaustive;
      }
    }
  }

  private put(entry: Entry): void {
    if (!entry.data) this.runSerial = -1;
    if (this.ring.length < LIMIT) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.next] = entry;
    this.advance();
  }

  /** The place just written was the oldest: the next one is now. */
  private advance(): void {
    this.next = (this.next + 1) % LIMIT;
    this.dropped++;
  }
}
