/**
 * The local address the OS bound for one TCP connect attempt, for getsockname after the attempt failed.
 * Linux binds an unbound socket to a port before it sends the SYN, and keeps that port number in the
 * socket's name when the attempt fails, though the port is free again (the next connect picks anew).
 * The address beside it depends on how Python connected: a blocking connect's error path disconnects
 * the socket in the kernel, which drops the source address (('0.0.0.0', 40896)); with settimeout
 * Python connects without blocking and polls, and the address stays (('127.0.0.1', 40896)). Node
 * closes a failed attempt's descriptor before it reports the error, so the socket is asked while the
 * attempt is on (Node issues connect(2) a tick after net.connect):
 *   - with the addon, a second descriptor of the socket (dup) is taken then; when the attempt fails, a
 *     blocking one is disconnected as Python's is (connect(AF_UNSPEC)), and getsockname asked of the
 *     kernel; then the descriptor is closed;
 *   - without it, Node's getsockname is asked then: the port and address are the OS's at that moment;
 *     what a blocking connect's disconnect leaves cannot be asked, and is given as Linux leaves it (the
 *     any-address, that port).
 */
import type { Socket as NetSocket } from 'node:net';
import { ADDRESS_BYTES, addressOf, type NativeCalls } from './native.js';
import { anyAddress } from './resolve.js';
import { descriptor } from './stream-handle.js';
import type { Address, Family } from './types.js';

const addressBytes = Buffer.alloc(ADDRESS_BYTES);

export class ConnectAttempt {
  private copy = -1;
  /** Without the addon: the name Node's getsockname gave during the attempt. */
  private seen: Address | null = null;
  private over = false;

  /** Starts watching raw's attempt (not a TLS socket's, nor AF_UNIX's: their descriptors are not the plain TCP one). */
  constructor(
    private readonly calls: NativeCalls | null,
    private readonly raw: NetSocket,
    private readonly family: Family,
  ) {
    process.nextTick(() => this.look());
  }

  /**
   * The attempt failed: the address getsockname gives the socket now, or null when the OS never bound
   * it. blocking: the socket has no timeout, so Python's connect blocked (see above).
   */
  failed(blocking: boolean): Address | null {
    const asked = this.ask(blocking);
    if (asked !== undefined) return asked;
    const seen = this.seen;
    return seen === null || !blocking ? seen : { host: anyAddress(this.family), port: seen.port, family: this.family };
  }

  /**
   * The handshake completed and the peer reset the connection before Node said so (tcp-connect.ts):
   * the connection's own address, which getsockname still gives after a reset (nothing disconnects it).
   */
  reset(): Address | null {
    return this.ask(false) ?? this.seen;
  }

  /** The attempt connected (or is no longer asked about): the second descriptor goes. */
  done(): void {
    this.over = true;
    if (this.copy >= 0) this.calls?.close(this.copy, 0);
    this.copy = -1;
  }

  /** The kernel's name for the socket now, asked of the second descriptor, which then goes; undefined: there is none to ask. */
  private ask(disconnect: boolean): Address | null | undefined {
    this.over = true;
    const calls = this.calls;
    if (calls === null || this.copy < 0) return undefined;
    if (disconnect) calls.disconnect(this.copy);
    const named = calls.sockname(this.copy, addressBytes);
    calls.close(this.copy, 0);
    this.copy = -1;
    if (named < 0) return undefined;
    const address = addressOf(addressBytes, this.family);
    return address.port === 0 ? null : address;
  }

  private look(): void {
    const fd = this.over ? null : descriptor(this.raw);
    if (fd === null) return; // failed at once (ENETUNREACH): Node has closed it, and the OS bound no port
    if (this.calls !== null) {
      const copy = this.calls.dup(fd);
      if (copy >= 0) {
        this.copy = copy;
        return;
      }
    }
    const named = this.raw.address();
    if ('port' in named && typeof named.port === 'number' && named.port > 0)
      this.seen = { host: named.address, port: named.port, family: this.family };
  }
}
