/**
 * What arrives on a UDP socket, and the calls that take it. The node:dgram handle (udp-handle.ts) and
 * the native fast path (udp-native.ts) feed the socket's queue (udp-inbox.ts) from the moment the
 * socket exists; recv and recvfrom take from it, truncated to bufsize and said so. An asynchronous
 * error (ICMP port unreachable on a connected socket) is stored and reported by the next call, as BSD
 * sockets do. UdpSocket (udp.ts) adds the calls that bind, connect and send.
 */
import { andThen, type Completion } from '../core/completion.js';
import { BaseSocket, type Core, type Queued } from './base.js';
import { errorCode, fromCode, type ErrorContext } from './errors.js';
import { kernelUdpDrops } from './kernel-drops.js';
import type { Address, BlockOptions, Family, RecvCall, ShutMarks } from './types.js';
import { DgramHandle } from './udp-handle.js';
import { DatagramInbox, YIELD_EVERY, YIELD_EVERY_LOOP } from './udp-inbox.js';
import { DescriptorOptions } from './sockopts.js';
import { UdpNative } from './udp-native.js';

export abstract class UdpReceiving extends BaseSocket {
  /** Here, not in UdpSocket: the constructor below gives the dgram handle this socket's context, which names it. */
  readonly transport = 'udp' as const;
  protected readonly handle: DgramHandle;
  /** The native fast path: receive waits and sends in the addon (udp-native.ts). */
  protected readonly native: UdpNative;
  protected readonly options: DescriptorOptions;
  private readonly inbox = new DatagramInbox(this);
  /** An asynchronous error (ICMP ECONNREFUSED) waiting to be reported by the next call. */
  private failCode: string | null = null;
  /**
   * What shutdown marked, as Linux's sk_shutdown: rd, a receive that would wait for ever returns b''
   * (datagrams still arrive and are returned first); wr, every send raises EPIPE. Never cleared, as
   * a later connect leaves Linux's flags alone. UDP sends nothing when either is set.
   */
  protected readonly shut = { rd: false, wr: false };

  override shutMarks(): ShutMarks {
    return { rd: this.shut.rd, wr: this.shut.wr };
  }

  constructor(core: Core, name: string, serial: number, owner: string, family: Family) {
    super(core, name, serial, owner, family);
    const context = (): ErrorContext => this.context();
    this.options = new DescriptorOptions(core.addon, 'udp', family, context);
    this.handle = new DgramHandle(family, context, this.options, this.inbox.arriveFromLoop, this.onError);
    this.native = new UdpNative({
      blocking: core.blocking,
      fd: () => this.handle.fd(),
      starved: () => this.reader.waiting && this.inbox.length === 0,
      room: () => this.inbox.room(),
      message: this.inbox.arrive,
      error: this.onError,
    });
  }

  queued(): Queued {
    return this.inbox.queued();
  }

  dropped(): number {
    return this.inbox.dropped();
  }

  override kernelDropped(): number | null {
    return kernelUdpDrops(this.handle.fd());
  }

  recv(bufsize: number, options: BlockOptions): Completion<Buffer> {
    return andThen(this.receive(bufsize, options, 'recv'), dataOf);
  }

  recvfrom(bufsize: number, options: BlockOptions): Completion<Datagram> {
    return this.receive(bufsize, options, 'recvfrom');
  }

  /**
   * What the kernel holds for the socket and Node has not read yet, read and told now (Engine.settle,
   * before a view; a non-blocking receive): its datagrams, and its pending error (an ICMP port
   * unreachable on a connected socket: Linux's sk_err, which Python's next recv or send raises once).
   * Reading the error takes it from the kernel, as SO_ERROR or Node's own read would; the socket keeps
   * it (failCode) and its next call raises it, once, as Python's does; the call after that finds
   * nothing, in both. Without the addon nothing can be asked synchronously (a read would take a
   * datagram without its sender): true, and the event loop's next turn reads it (loop-turn.ts).
   */
  override settle(): boolean {
    if (this.closed || this.handle.local === null) return false;
    const calls = this.core.addon.calls;
    if (calls === null || this.handle.fd() < 0) return true;
    this.native.settle(calls);
    return false;
  }

  /** Raises the stored asynchronous error, if there is one, once. */
  protected reportFailure(call: string): void {
    const code = this.failCode;
    if (code === null) return;
    this.failCode = null;
    const peer = this.peer();
    throw fromCode(code, call, this.context({ host: peer?.host, port: peer?.port }));
  }

  /** connect: an error the last peer caused is not the new one's to report. */
  protected forgetFailure(): void {
    this.failCode = null;
  }

  private receive(bufsize: number, options: BlockOptions, call: RecvCall): Completion<Datagram> {
    const behind = this.inbox.length > 0;
    // The call waits on the event loop as always (its slot, timeout and cancel as they are); with the
    // native fast path it also waits in the addon (BaseSocket.waitWithAddon says when).
    const got = this.receiveWith(call, bufsize, options, () => this.take(bufsize, call), this.waitInAddon);
    // Served from the queue again and again, the calls never read the kernel, whose buffer then
    // overflows in a burst: every YIELD_EVERY such calls (udp-inbox.ts), the addon drains it, or every
    // YIELD_EVERY_LOOP one call waits a turn of the event loop, which reads it.
    if (behind && this.inbox.readsKernelNow(this.native.mayBlock() === null ? YIELD_EVERY_LOOP : YIELD_EVERY) && !this.native.drain()) {
      return Promise.resolve(got).then((d) => new Promise<Datagram>((resolve) => setImmediate(() => resolve(d))));
    }
    return got;
  }

  private readonly waitInAddon = (): void => {
    this.native.wait();
  };

  /** The oldest datagram, truncated to bufsize (and said so), or null; reports a stored error first. */
  private take(bufsize: number, call: RecvCall): Datagram | null {
    this.reportFailure(call);
    const d = this.inbox.take(bufsize) ?? this.shutEmpty();
    return d === null ? null : this.returned(d, call, bufsize);
  }

  /**
   * After shutdown rd, nothing queued: Linux's blocking receive returns 0 bytes and no address
   * (Python: b'', and (b'', None) from recvfrom). With a timeout Python polls, which says readable,
   * then its non-blocking recv finds nothing, so it polls again until TimeoutError: the call waits as before.
   */
  private shutEmpty(): Datagram | null {
    return this.shut.rd && this.timeout === null ? { data: Buffer.alloc(0), address: null } : null;
  }

  /** The datagram a receive call returns, told as the engine event of the completed call. */
  private returned(d: Datagram, call: RecvCall, bufsize: number): Datagram {
    const { data, address } = d;
    const local = this.handle.local;
    this.tellReturned(call, local, address, bufsize, data, data.length, null);
    return d;
  }

  private readonly onError = (err: Error): void => {
    if (this.closed) return;
    const code = errorCode(err);
    this.failCode = code;
    this.emit({ kind: 'failed', serial: this.serial, socket: this.name, code, taken: this.reader.call !== null });
    this.reader.wake();
  };
}

/** What a receive returns: a datagram and its sender, or b'' and no sender after shutdown rd. */
interface Datagram {
  readonly data: Buffer;
  readonly address: Address | null;
}

function dataOf(d: Datagram): Buffer {
  return d.data;
}
