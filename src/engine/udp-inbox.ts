/**
 * A UDP socket's receive queue. Node delivers every datagram as it comes and has no pause, so a
 * permanent 'message' listener queues each from the moment the socket exists (datagrams would be lost
 * between calls otherwise), and the queue is capped in datagrams and bytes as the kernel's SO_RCVBUF
 * caps its own: past the cap a datagram is dropped, counted and said. A receive call takes the oldest
 * whole, truncated to its bufsize and said so, as the kernel's recvfrom(2) truncates.
 */
import type dgram from 'node:dgram';
import type { BaseSocket, Queued } from './base.js';
import { Fifo } from './queues.js';
import type { Address } from './types.js';

/** A queued datagram; recvfrom returns it as it is (both fields are immutable). */
export interface Datagram {
  readonly data: Buffer;
  readonly address: Address;
}

/** The most the native path reads at once (udp-native.ts): the queue must have room for that much to read on. */
const receiveSize = 65536;

/**
 * Receive calls served from the queue read the kernel every this many (see UdpSocket's receive): the
 * addon drains it, or on the event loop one call waits a turn, in which Node reads up to 32 datagrams
 * (libuv's batch). Without it a server answering a burst from its queue let the kernel's buffer
 * overflow and answered 26–79% of a thousand clients where Python answers all (issue 14's udp-burst).
 */
const YIELD_EVERY = 16;

export class DatagramInbox {
  private readonly fifo = new Fifo<Datagram>();
  private bytes = 0;
  /** The sender of the last datagram: a conversation repeats it, so its Address object is reused. */
  private lastFrom: Address | null = null;
  private droppedCount = 0;
  /** Receive calls served from the queue since the socket was last read (readsKernelNow). */
  private servedSinceRead = 0;

  constructor(private readonly owner: BaseSocket) {}

  get length(): number {
    return this.fifo.length;
  }

  queued(): Queued {
    return { unit: 'datagrams', count: this.fifo.length, bytes: this.bytes };
  }

  /** Datagrams dropped because the queue was full. */
  dropped(): number {
    return this.droppedCount;
  }

  /** How many more datagrams of the largest size the native path reads the queue has room for (udp-native.ts room). */
  room(): number {
    const core = this.owner.core;
    return Math.min(core.udpQueueDatagrams - this.fifo.length, Math.floor((core.udpQueueBytes - this.bytes) / receiveSize));
  }

  /**
   * A receive call served from the queue: true on every YIELD_EVERY-th since the socket was last read,
   * when the call must read the kernel (see UdpSocket's receive).
   */
  readsKernelNow(): boolean {
    if (++this.servedSinceRead < YIELD_EVERY) return false;
    this.servedSinceRead = 0;
    return true;
  }

  /** The oldest datagram, truncated to bufsize (and said so), or null. */
  take(bufsize: number): Datagram | null {
    const d = this.fifo.shift();
    if (d === undefined) return null;
    const size = d.data.length;
    this.bytes -= size;
    if (size <= bufsize) return d;
    const owner = this.owner;
    owner.core.emit({ kind: 'truncated', serial: owner.serial, socket: owner.name, size, bufsize });
    return { data: d.data.subarray(0, bufsize), address: d.address };
  }

  /** A datagram came (Node's 'message', or a read in the addon): queued and told, or dropped past the cap. */
  readonly arrive = (data: Buffer, rinfo: Pick<dgram.RemoteInfo, 'address' | 'port'>): void => {
    const owner = this.owner;
    if (owner.closed) return;
    this.servedSinceRead = 0;
    const full = this.fifo.length >= owner.core.udpQueueDatagrams || this.bytes + data.length > owner.core.udpQueueBytes;
    if (full) {
      this.droppedCount += 1;
      owner.core.emit({
        kind: 'dropped',
        reset: false,
        serial: owner.serial,
        socket: owner.name,
        unit: 'datagrams',
        bytes: data.length,
        total: this.droppedCount,
      });
      return;
    }
    let from = this.lastFrom;
    if (from === null || from.port !== rinfo.port || from.host !== rinfo.address) {
      from = this.lastFrom = { host: rinfo.address, port: rinfo.port, family: owner.family };
    }
    this.fifo.push({ data, address: from });
    this.bytes += data.length;
    owner.bytesReceived += data.length;
    owner.arrivals++;
    // The event first, then the waiting recvfrom takes the datagram: the event tells of its arrival.
    const taken = owner.reader.waiting;
    owner.core.emit({
      kind: 'received',
      serial: owner.serial,
      socket: owner.name,
      transport: 'udp',
      bytes: data.length,
      from,
      queued: this.fifo.length,
      taken,
      data,
    });
    if (taken) owner.reader.wake();
  };
}
