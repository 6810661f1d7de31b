/**
 * The native fast path of one UDP socket (native.ts): a waiting receive call waits in the addon and
 * reads there, and sends go straight to the kernel, while nothing else needs the event loop.
 *
 * A wake-up drains the socket: every datagram the kernel holds is read into the socket's queue (up to
 * the queue's cap, and DRAIN_MAX), not only the one the waiting call takes. The kernel's receive buffer holds a few
 * hundred small datagrams; a server that read one per call, at the pace it answers, lost most of a
 * burst of a thousand clients to it (issue 14's udp-burst). The queue holds thousands. The addon
 * reads them SLOTS at a time (recvmmsg), so a round trip's one datagram costs one read, not a read
 * and a second one that finds the kernel empty.
 */
import {
  ADDRESS_RAW_BYTES,
  EAGAIN,
  MANY_META_BYTES,
  MANY_SLOT_BYTES,
  SLICE_MS,
  nativeError,
  type Blocking,
  type NativeCalls,
} from './native.js';

/** The most datagrams one read in the addon takes. */
const SLOTS = 16;
/**
 * The datagrams of one read, a slot each (the largest a datagram can be); the pages a datagram never
 * reached are never touched, so the megabyte costs what the datagrams fill of it.
 */
const receiveBuffer = Buffer.allocUnsafeSlow(SLOTS * MANY_SLOT_BYTES);
/** Each datagram's size and sender, as the addon writes them (zeroed at first: see ADDRESS_BYTES). */
const meta = Buffer.alloc(SLOTS * MANY_META_BYTES);
/**
 * meta as 32-bit words, for comparing a sender's raw bytes six words at a time (see sameSender).
 * Buffer.alloc's memory is its own (no pool), so it starts at offset 0 and the words are aligned.
 */
const metaWords = new Int32Array(meta.buffer, meta.byteOffset, meta.length >> 2);
const RAW_WORDS = ADDRESS_RAW_BYTES >> 2;

/** The most datagrams one wake-up reads beyond the first read: a flood cannot keep the call reading forever. */
const DRAIN_MAX = 256;

/** What the fast path needs of its socket. */
export interface UdpNativeOwner {
  readonly blocking: Blocking | null;
  /** The socket's descriptor, or -1 (not bound yet). */
  fd(): number;
  /** The receive call still waits, with nothing queued for it. */
  starved(): boolean;
  /** How many more datagrams of the largest size the queue has room for. */
  room(): number;
  /** A datagram read: queued as the event loop's 'message' would queue it. */
  message(data: Buffer, rinfo: { address: string; port: number }): void;
  /** An error read (ICMP port unreachable...): told as the event loop's 'error' would tell it. */
  error(err: Error): void;
}

export class UdpNative {
  /**
   * The raw bytes (family, port, address, IPv6 scope) of the last sender the addon read for this socket,
   * and their text, reused while they repeat. Not the socket's last sender: the loop may have read one since.
   */
  private readonly lastSender = new Int32Array(ADDRESS_RAW_BYTES >> 2);
  private lastHost = '';

  constructor(private readonly owner: UdpNativeOwner) {}

  /** The addon, when a call may block the thread here and now (a bound socket, no background job); else null. */
  mayBlock(): Blocking | null {
    const blocking = this.owner.blocking;
    return blocking !== null && this.owner.fd() >= 0 && blocking.allowed() ? blocking : null;
  }

  /**
   * A waiting receive call: waits in the addon until a datagram is there, reads it and what else the
   * kernel holds (see the file comment); for one slice at most (native.ts) and only while nothing else
   * needs the event loop (its own timeout timer, Ctrl-C, another socket); then the wait goes on there.
   */
  wait(): void {
    const blocking = this.mayBlock();
    const owner = this.owner;
    while (blocking !== null && owner.starved()) {
      const n = this.read(blocking.calls, SLICE_MS);
      if (n <= 0) return;
      if (n === SLOTS) this.drainWith(blocking);
    }
  }

  /**
   * Reads what the kernel holds without waiting, while the queue has room: a server answering from its
   * queue calls this now and then, so the kernel's buffer does not overflow meanwhile. False when the
   * addon may not be used here (then the event loop reads).
   */
  drain(): boolean {
    const blocking = this.mayBlock();
    if (blocking === null) return false;
    this.drainWith(blocking);
    return true;
  }

  /**
   * What the kernel holds, read now without waiting (Engine.settle, a non-blocking receive): the
   * socket's pending error first, as the kernel reports it first (an ICMP port unreachable's
   * ECONNREFUSED: reading it takes it from the kernel, as Node's read would a turn later, and the socket
   * keeps it for its next call), then the datagrams, while the queue has room. calls, not Blocking:
   * this never waits, so it may run where a wait may not (a background job, the event-loop engine).
   */
  settle(calls: NativeCalls): void {
    for (let total = 0, errors = 0; total < DRAIN_MAX;) {
      const n = this.read(calls, -1);
      if (n < 0 && ++errors < 2) continue; // datagrams may wait behind the error
      if (n < SLOTS) return;
      total += n;
    }
  }

  /**
   * send or sendto in the addon: bytes sent, -errno, or null to send on the event loop (the kernel's
   * buffer is full: EAGAIN, and Node's send waits).
   */
  send(blocking: Blocking, data: Buffer, ip: string | undefined, port: number): number | null {
    const fd = this.owner.fd();
    const n = ip === undefined ? blocking.calls.send(fd, data, 0, data.length) : blocking.calls.sendto(fd, data, ip, port);
    return n === EAGAIN ? null : n;
  }

  private drainWith(blocking: Blocking): void {
    for (let total = 0; total < DRAIN_MAX;) {
      const n = this.read(blocking.calls, -1);
      if (n < SLOTS) return;
      total += n;
    }
  }

  /**
   * One read in the addon (waiting first for maxMs, when not negative), of as many datagrams as the
   * queue has room for: each handed to the owner, or the socket's error. Their count; 0 when none came
   * or there is no room; negative for an error.
   */
  private read(calls: NativeCalls, maxMs: number): number {
    const room = Math.min(SLOTS, this.owner.room());
    if (room <= 0) return 0;
    const n = calls.recvmany(this.owner.fd(), maxMs, room, receiveBuffer, meta);
    if (n < 0) this.owner.error(nativeError(calls, n, 'recvmsg'));
    for (let i = 0; i < n; i++) {
      const at = i * MANY_META_BYTES;
      const start = i * MANY_SLOT_BYTES;
      const size = Math.min(meta.readUInt32LE(at), MANY_SLOT_BYTES);
      this.owner.message(Buffer.from(receiveBuffer.subarray(start, start + size)), this.sender(at + 4));
    }
    return n;
  }

  /** The sender the addon wrote at meta[at..], as RemoteInfo; the last one's text when the bytes repeat. */
  private sender(at: number): { address: string; port: number } {
    const port = meta.readUInt16BE(at + 2);
    const raw = at + ADDRESS_RAW_BYTES;
    if (this.lastHost !== '' && this.sameSender(at)) return { address: this.lastHost, port };
    this.lastSender.set(metaWords.subarray(at >> 2, (at >> 2) + RAW_WORDS));
    this.lastHost = meta.toString('latin1', raw, raw + (meta[at + 1] ?? 0));
    return { address: this.lastHost, port };
  }

  /**
   * The raw sender at meta[at..] is the last one's: six words compared, not 24 bytes (a byte loop was
   * ~1,000 instructions a datagram in a callgrind profile of a UDP server; Buffer.compare's argument
   * checks cost more than that). at is a record's start plus 4, so a multiple of 4.
   */
  private sameSender(at: number): boolean {
    const last = this.lastSender;
    const word = at >> 2;
    for (let i = 0; i < RAW_WORDS; i++) if (metaWords[word + i] !== last[i]) return false;
    return true;
  }
}
