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
 * addon drains it (YIELD_EVERY), or on the event loop one call waits a turn (YIELD_EVERY_LOOP), in
 * which Node reads up to 32 datagrams (libuv's batch). Without it a server answering a burst from its
 * queue let the kernel's buffer overflow and answered 26–79% of a thousand clients where Python answers
 * all (issue 14's udp-burst). A turn costs a few microseconds, an answer from a cold interpreter a
 * hundred: on the event loop the kernel is read every few answers, 32 datagrams for each 4.
 */
export const YIELD_EVERY = 16;
export const YIELD_EVERY_LOOP = 4;

/** While datagrams come one a turn, one wake in this many is put off to see whether they still do (arriveFromLoop). */
const PROBE_EVERY = 8;

export class DatagramInbox {
  private readonly fifo = new Fifo<Datagram>();
  private bytes = 0;
  /** The sender of the last datagram: a conversation repeats it, so its Address object is reused. */
  private lastFrom: Address | null = null;
  private droppedCount = 0;
  /** Receive calls served from the queue since the socket was last read (readsKernelNow). */
  private servedSinceRead = 0;
  /** A waiting call is to be woken in this turn's check phase (arriveFromLoop). */
  private wakeLater = false;
  /**
   * The last wake put off found a batch queued: wakes are put off until one finds a single datagram.
   * True at first: a burst meets a cold interpreter, whose first answers take milliseconds.
   */
  private batches = true;
  /** Wakes made at once since the last one put off. */
  private sinceProbe = 0;

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
   * A receive call served from the queue: true on every `every`-th since the socket was last read
   * (YIELD_EVERY or YIELD_EVERY_LOOP), when the call must read the kernel (see UdpSocket's receive).
   */
  readsKernelNow(every: number): boolean {
    if (++this.servedSinceRead < every) return false;
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

  /**
   * A datagram Node read (its 'message'): queued and told as arrive does. Node reads up to 32 datagrams
   * a turn, each in a callback of its own, and a call woken at once answers each before Node reads the
   * next: in a burst the kernel's buffer (a few hundred small datagrams) then held what came while the
   * shell answered at the interpreter's pace, and dropped the rest (issue 16: 18-40% of a thousand
   * clients). So while datagrams come in batches, a waiting call is woken in the check phase of the
   * turn (setImmediate), after Node's reads: it finds the batch queued, and the calls served from the
   * queue give the loop a turn every YIELD_EVERY_LOOP to read on. The first wake is put off so (a burst
   * meets a cold interpreter: its first answers take milliseconds, Node's and Python's microseconds);
   * while datagrams come one a turn (a conversation's round trips, to which the check phase adds 2 µs
   * of CPU each), one wake in PROBE_EVERY is, and the datagrams queued by then say whether they still do.
   */
  readonly arriveFromLoop = (data: Buffer, rinfo: Pick<dgram.RemoteInfo, 'address' | 'port'>): void => {
    if (this.wakeLater) {
      this.arrive(data, rinfo, false);
      return;
    }
    if (!this.owner.reader.waiting || (!this.batches && ++this.sinceProbe < PROBE_EVERY)) {
      this.arrive(data, rinfo);
      return;
    }
    this.sinceProbe = 0;
    this.wakeLater = true;
    this.arrive(data, rinfo, true, false);
    setImmediate(this.wakeNow);
  };

  private readonly wakeNow = (): void => {
    this.wakeLater = false;
    this.batches = this.fifo.length > 1; // the turn read more than the one that woke the call
    if (this.fifo.length > 0) this.owner.reader.wake();
  };

  /**
   * A datagram came (a read in the addon, or Node's through arriveFromLoop): queued and told, or dropped
   * past the cap. taken: a waiting call takes it (the event says so); wake: now.
   */
  readonly arrive = (
    data: Buffer,
    rinfo: Pick<dgram.RemoteInfo, 'address' | 'port'>,
    taken = this.owner.reader.waiting,
    wake = taken,
  ): void => {
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
    owner.core.emit({
      kind: 'received',
      serial: owner.serial,
      socket: owner.name,
      transport: 'udp',
      bytes: data.length,
      from,
      // Not the one a waiting call is about to take (arriveFromLoop): told as if it had taken it at once.
      queued: this.fifo.length - (this.wakeLater && !taken ? 1 : 0),
      taken,
      data,
    });
    if (wake) owner.reader.wake();
  };
}
