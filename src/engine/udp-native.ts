/**
 * The native fast path of one UDP socket (native.ts): a waiting receive call waits in the addon and
 * reads there, and sends go straight to the kernel, while nothing else needs the event loop.
 *
 * A wake-up drains the socket: every datagram the kernel holds is read into the socket's queue (up to
 * the queue's cap, and DRAIN_MAX), not only the one the waiting call takes. The kernel's receive buffer holds a few
 * hundred small datagrams; a server that read one per call, at the pace it answers, lost most of a
 * burst of a thousand clients to it (issue 14's udp-burst). The queue holds thousands.
 */
import type { Address } from './types.js';
import { EAGAIN, READY, SLICE_MS, nativeError, type Blocking } from './native.js';

/** The native path reads every datagram into this buffer (the largest a datagram can be) and copies out what came. */
const receiveBuffer = Buffer.alloc(65536);
/** The sender of the datagram just read, as the addon writes it (native/sockshell.c, fill_address). */
const senderBytes = Buffer.alloc(68);

/** The most datagrams one wake-up reads beyond the first: a flood cannot keep the call reading forever. */
const DRAIN_MAX = 256;

/** What the fast path needs of its socket. */
export interface UdpNativeOwner {
  readonly blocking: Blocking | null;
  /** The socket's descriptor, or -1 (not bound yet). */
  fd(): number;
  /** The sender of the last datagram, reused while it repeats. */
  lastFrom(): Address | null;
  /** The receive call still waits, with nothing queued for it. */
  starved(): boolean;
  /** The queue has room for another datagram of the largest size. */
  room(): boolean;
  /** A datagram read: queued as the event loop's 'message' would queue it. */
  message(data: Buffer, rinfo: { address: string; port: number }): void;
  /** An error read (ICMP port unreachable...): told as the event loop's 'error' would tell it. */
  error(err: Error): void;
}

export class UdpNative {
  /** The raw bytes of the last sender the addon reported to this socket: lastFrom's, while they repeat. */
  private readonly lastSender = Buffer.alloc(20);

  constructor(private readonly owner: UdpNativeOwner) {}

  /** The addon, when a call may block the thread here and now (a bound socket, no background job); else null. */
  mayBlock(): Blocking | null {
    const blocking = this.owner.blocking;
    return blocking !== null && this.owner.fd() >= 0 && blocking.allowed() ? blocking : null;
  }

  /**
   * A waiting receive call: waits in the addon until a datagram is there, then drains the socket
   * (see the file comment); for one slice at most (native.ts) and only while nothing else needs the
   * event loop (its own timeout timer, Ctrl-C, another socket); then the wait goes on there.
   */
  wait(): void {
    const blocking = this.mayBlock();
    const owner = this.owner;
    while (blocking !== null && owner.starved()) {
      if (blocking.calls.wait(owner.fd(), 0, SLICE_MS) !== READY) return;
      // The datagram that woke the call, then what else the kernel holds, while the queue has room.
      if (this.read(blocking)) this.drainWith(blocking);
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
   * send or sendto in the addon: bytes sent, -errno, or null to send on the event loop (the kernel's
   * buffer is full: EAGAIN, and Node's send waits).
   */
  send(blocking: Blocking, data: Buffer, ip: string | undefined, port: number): number | null {
    const fd = this.owner.fd();
    const n = ip === undefined ? blocking.calls.send(fd, data, 0, data.length) : blocking.calls.sendto(fd, data, ip, port);
    return n === EAGAIN ? null : n;
  }

  private drainWith(blocking: Blocking): void {
    for (let n = 0; n < DRAIN_MAX && this.owner.room() && this.read(blocking); n++);
  }

  /** Reads one datagram (or error) and hands it to the owner: false when the kernel had none. */
  private read(blocking: Blocking): boolean {
    const n = blocking.calls.recvfrom(this.owner.fd(), receiveBuffer, senderBytes);
    if (n >= 0) this.owner.message(Buffer.from(receiveBuffer.subarray(0, Math.min(n, receiveBuffer.length))), this.sender());
    else if (n !== EAGAIN) this.owner.error(nativeError(blocking.calls, n, 'recvmsg'));
    return n >= 0;
  }

  /** The sender the addon wrote into senderBytes, as RemoteInfo; the last one's text when the bytes repeat. */
  private sender(): { address: string; port: number } {
    const port = senderBytes.readUInt16BE(2);
    const last = this.owner.lastFrom();
    if (last !== null && last.port === port && senderBytes.compare(this.lastSender, 0, 20, 0, 20) === 0)
      return { address: last.host, port };
    senderBytes.copy(this.lastSender, 0, 0, 20);
    return { address: senderBytes.toString('latin1', 20, 20 + (senderBytes[1] ?? 0)), port };
  }
}
