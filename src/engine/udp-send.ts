/**
 * How a UDP socket's datagrams leave. When a call may block here (the native fast path), the addon
 * hands the datagram to the kernel at once; otherwise, and when the kernel's buffer is full, node:dgram
 * sends it. A connected socket's sendto to another address goes by the addon's sendto, as Node's dgram
 * refuses it. Each datagram sent is counted and told as the 'sent' event of its call.
 */
import type dgram from 'node:dgram';
import type { Completion } from '../core/completion.js';
import type { BaseSocket } from './base.js';
import { toSocketError, type SocketError } from './errors.js';
import { nativeError, type NativeCalls } from './native.js';
import { literalHost, lookedUp } from './resolve.js';
import type { Address } from './types.js';
import type { DgramHandle } from './udp-handle.js';
import type { UdpNative } from './udp-native.js';

export type DatagramCall = 'send' | 'sendall' | 'sendto';

export class DatagramSender {
  /** The last destination host sendto was given, and its address: a conversation repeats it. */
  private sendHost: string | null = null;
  private sendIp = '';
  /** Where the last datagram went, as an Address: reused while a conversation repeats it. */
  private lastTo: Address | null = null;

  constructor(
    private readonly owner: BaseSocket,
    private readonly handle: DgramHandle,
    private readonly native: UdpNative,
  ) {}

  /** The IP literal host is for sendto (the last one's again while it repeats), or null when host must be looked up. */
  literal(host: string, port: number): string | null {
    if (host === this.sendHost) return this.sendIp;
    const ip = literalHost(host, this.owner.family, 'sendto', this.owner.name, port);
    if (ip !== null) [this.sendHost, this.sendIp] = [host, ip];
    return ip;
  }

  /**
   * In the addon when a call may block here, else by dgram (see transmit); adds no await before the
   * send itself. here: the caller takes the count itself when the addon sent it (HereOptions).
   */
  send(data: Buffer, ip: string | undefined, host: string, port: number, call: DatagramCall, here: boolean): Completion<number> {
    return this.sendNatively(data, ip, host, port, call, here) ?? this.transmit(data, ip, host, port, call);
  }

  /** ip: the resolved destination of sendto; undefined for send on a connected socket (host is then its address). */
  transmit(data: Buffer, ip: string | undefined, host: string, port: number, call: DatagramCall): Promise<number> {
    const sock = this.handle.sock as dgram.Socket;
    return new Promise<number>((resolve, reject) => {
      const done = (err: Error | null): void => {
        if (err !== null) {
          reject(this.failed(toSocketError(err, call, this.owner.context({ host, port, size: data.length }))));
          return;
        }
        this.sent(data, ip, host, port, call);
        resolve(data.length);
      };
      try {
        if (ip === undefined) sock.send(data, done);
        else sock.send(data, port, ip, done);
      } catch (err) {
        reject(toSocketError(err, call, this.owner.context({ host, port, size: data.length })));
      }
    });
  }

  /** sendto from a connected socket to ip, another address: by the addon's sendto on the descriptor. */
  sendtoOnDescriptor(calls: NativeCalls, data: Buffer, ip: string, host: string, port: number): number {
    const n = calls.sendto(this.handle.fd(), data, ip, port);
    if (n < 0)
      throw this.failed(toSocketError(nativeError(calls, n, 'sendto'), 'sendto', this.owner.context({ host, port, size: data.length })));
    this.sent(data, ip, host, port, 'sendto');
    return n;
  }

  /**
   * send or sendto in the addon, when a call may block here: the completed call (its count when here,
   * else its promise), or null to send on the event loop (the kernel's buffer is full: EAGAIN, and
   * Node's send waits).
   */
  private sendNatively(
    data: Buffer,
    ip: string | undefined,
    host: string,
    port: number,
    call: DatagramCall,
    here: boolean,
  ): Completion<number> | null {
    const blocking = this.native.mayBlock();
    if (blocking === null) return null;
    const n = this.native.send(blocking, data, ip, port);
    if (n === null) return null;
    if (n < 0)
      return Promise.reject(
        this.failed(toSocketError(nativeError(blocking.calls, n, 'send'), call, this.owner.context({ host, port, size: data.length }))),
      );
    this.sent(data, ip, host, port, call);
    return here ? n : Promise.resolve(n);
  }

  /**
   * A send the kernel refused with the socket's pending error, an earlier datagram's ICMP port
   * unreachable (ECONNREFUSED: Linux checks sk_err before it sends): that ICMP is told, as the error
   * this call takes (taken), so the diagram draws what came back. The error, to be thrown.
   */
  private failed(err: SocketError): SocketError {
    const owner = this.owner;
    if (err.code === 'ECONNREFUSED')
      owner.core.emit({ kind: 'failed', serial: owner.serial, socket: owner.name, code: err.code, taken: true });
    return err;
  }

  /** A datagram went: counted and told as the engine event of the completed call. */
  private sent(data: Buffer, ip: string | undefined, host: string, port: number, call: DatagramCall): void {
    this.owner.bytesSent += data.length;
    const to = this.destination(ip ?? host, port);
    // A host that is its own IP literal was not looked up: said without isIP's test, which a server's
    // every answer paid (issue 16).
    const named = ip === undefined || ip === host ? null : lookedUp(host, this.owner.family);
    this.owner.tellSent(call, this.handle.local, to, named, data, data.length, null);
  }

  /** The destination of a datagram as an Address, reusing the last one while it repeats. */
  private destination(host: string, port: number): Address {
    const last = this.lastTo;
    if (last !== null && last.port === port && last.host === host) return last;
    return (this.lastTo = { host, port, family: this.owner.family });
  }
}
