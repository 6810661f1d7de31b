/**
 * The OS end of one TCP connection, under a Stream (tcp-stream.ts): Node's socket, or the bare
 * descriptor of a connection the native fast path accepted (kernel-listener.ts, node-listener.ts: accept4 in the addon).
 *
 * A bare descriptor needs no Node socket while every call on it completes in the addon: a recv whose
 * bytes come within the wait, a send the kernel takes whole, getsockname, close, a file moved in the
 * kernel. The first thing that needs the event loop (a wait that goes on there, shutdown, an option,
 * a file transfer's chunk on the loop, a send the kernel does not take whole) hands the descriptor to
 * a Node socket made for it (`node`), and from then on the connection is Node's, as if its server
 * had accepted it; so does the peer's FIN or a reset, once the loop turns (bare-watch.ts). So a
 * TCPServer loop costs accept4, recv, send and close, and no Node socket object, write request or
 * handle close (issue 16).
 */
import net, { type Socket as NetSocket } from 'node:net';
import { unwatchBare, watchBare, type Handable } from './bare-watch.js';
import { ADDRESS_BYTES, EAGAIN, FILE_ERROR, SLICE_MS, addressOf, type NativeCalls } from './native.js';
import { descriptor, plainDescriptor, serverPath } from './stream-handle.js';
import type { Address, Family } from './types.js';

/** The native fast path reads into this buffer (Node's own reads are 64 KiB) and copies out what came. */
const receiveBuffer = Buffer.alloc(65536);
const addressBytes = Buffer.alloc(ADDRESS_BYTES);

/** A descriptor the addon accepted, and the addon that owns it until a Node socket takes it. */
export interface BareConnection {
  readonly fd: number;
  readonly calls: NativeCalls;
}

/** What a read in the addon found: bytes, an error (-errno), or nothing (the event loop goes on). */
export type AddonRead = { readonly kind: 'data'; readonly data: Buffer } | { readonly kind: 'error'; readonly errno: number } | null;

/**
 * What a splice in the addon did: bytes moved into the file, the socket's error, the file's (-errno),
 * nothing yet on a bare descriptor (turn), or nothing (the wait goes on on the loop).
 */
export type AddonSplice =
  /** then: what stopped the move after these bytes (0: nothing; -errno the socket's, -(FILE_ERROR + errno) the file's). */
  | { readonly kind: 'moved'; readonly bytes: number; readonly then: number }
  | { readonly kind: 'turn' }
  | { readonly kind: 'error'; readonly errno: number }
  | { readonly kind: 'file'; readonly errno: number }
  | null;

export class ConnEnd implements Handable {
  private socket: NetSocket | null = null;
  private bare: BareConnection | null = null;
  private bareClosed = false;
  /**
   * The last read in the addon came back short of its buffer: the kernel held no more then, so the
   * next read waits first (a round trip's answer is never there yet; a read that fails is a system
   * call for nothing), while a stream whose reads fill the buffer reads first.
   */
  private drained = false;

  /** owner.onSocket is told the Node socket once there is one: at once, or when a bare descriptor is handed over. */
  constructor(
    from: NetSocket | BareConnection,
    private readonly owner: { onSocket(raw: NetSocket): void },
  ) {
    if (from instanceof net.Socket) this.socket = from;
    else this.bare = from;
  }

  /**
   * Starts the events of a Node socket (call after the owner is ready for them). A bare descriptor is
   * watched instead (bare-watch.ts): the loop hands it to Node when its peer ends or resets it.
   */
  start(): void {
    if (this.socket !== null) this.owner.onSocket(this.socket);
    else if (this.bare !== null && !watchBare(this.bare.calls, this.bare.fd, this)) this.handToNode();
  }

  /** Hands a bare descriptor to a Node socket now (see node). */
  handToNode(): void {
    if (this.bare !== null && !this.bareClosed) void this.node;
  }

  /** The Node socket; a bare descriptor is handed to one made now. */
  get node(): NetSocket {
    if (this.socket !== null) return this.socket;
    const bare = this.bare;
    if (bare === null || this.bareClosed) throw new Error('sockshell: a closed connection has no Node socket');
    unwatchBare(bare.fd, this);
    const raw = new net.Socket({ fd: bare.fd, allowHalfOpen: true, readable: true, writable: true });
    this.socket = raw;
    this.bare = null;
    this.owner.onSocket(raw);
    return raw;
  }

  /** The connection is still a bare descriptor (nothing of Node's holds it). */
  get isBare(): boolean {
    return this.bare !== null;
  }

  get destroyed(): boolean {
    return this.socket?.destroyed ?? this.bareClosed;
  }

  /** The descriptor for reading and writing past Node, or -1 (a TLS socket's carries ciphertext: stream-handle.ts). */
  fd(): number {
    if (this.bare !== null) return this.bareClosed ? -1 : this.bare.fd;
    return this.socket === null ? -1 : plainDescriptor(this.socket);
  }

  /** The OS descriptor whatever it carries (TLS too), for socket options; -1 when there is none. */
  osFd(): number {
    if (this.bare !== null) return this.bareClosed ? -1 : this.bare.fd;
    return this.socket === null ? -1 : (descriptor(this.socket) ?? -1);
  }

  get writableLength(): number {
    return this.socket?.writableLength ?? 0;
  }

  get writableNeedDrain(): boolean {
    return this.socket?.writableNeedDrain ?? false;
  }

  /** getsockname: the addon's for a bare descriptor, Node's otherwise. */
  localAddress(family: Family): Address {
    const bare = this.bare;
    if (bare !== null) {
      if (this.bareClosed || bare.calls.sockname(bare.fd, addressBytes) < 0) return { host: '', port: 0, family };
      return addressOf(addressBytes, family);
    }
    const raw = this.socket;
    return { host: raw?.localAddress ?? (raw === null ? '' : serverPath(raw)), port: raw?.localPort ?? 0, family };
  }

  /** Bytes the kernel holds that nobody read: counted for a bare descriptor (Node reads eagerly, so 0 for its sockets). */
  kernelUnread(): number {
    const bare = this.bare;
    if (bare === null || this.bareClosed) return 0;
    return Math.max(0, bare.calls.unread(bare.fd));
  }

  /**
   * Waits in the addon (one slice at most, while nothing else needs the loop) for bytes, and reads what
   * came. Null: the wait goes on on the event loop, with Node reading; a bare descriptor is handed to a
   * Node socket for that. Bytes Node holds already, and the end of the stream or a reset (the wait says
   * LOOP for those), are the loop's to deliver, in order.
   */
  readInAddon(calls: NativeCalls): AddonRead {
    const fd = this.fd();
    if (fd < 0) return null;
    const raw = this.socket;
    if (raw !== null && (raw.readableFlowing !== true || raw.readableLength > 0)) return null;
    const n = calls.recvwait(fd, receiveBuffer, receiveBuffer.length, SLICE_MS, this.drained ? 1 : 0);
    this.drained = n > 0 && n < receiveBuffer.length;
    if (n > 0) return { kind: 'data', data: Buffer.from(receiveBuffer.subarray(0, n)) };
    // A reset that came after the poll: this read took the kernel's pending error, so it is told here,
    // as Node tells a read's error. An end (0) stays for the loop to read again; EAGAIN is nothing.
    if (n < 0 && n !== EAGAIN) return { kind: 'error', errno: n };
    if (this.bare !== null) void this.node;
    return null;
  }

  /**
   * As readInAddon, but the bytes go from the socket straight into the file at fileFd (recvfile's fast
   * path, splice(2) in the addon, move after move while they come, waiting for one slice at most): their
   * count, with what stopped the call after them (then: 0, -errno or -(FILE_ERROR + errno)) and the first
   * bytes peeked into out (see NativeCalls.splicefile). When nothing came within the wait, a bare
   * descriptor stays bare ('turn': the caller lets the event loop turn once and tries again), as a
   * transfer would otherwise go on in Node's 64 KiB reads; the end of the stream is the loop's to read,
   * as for readInAddon.
   */
  spliceInAddon(calls: NativeCalls, fileFd: number, max: number, out: Buffer): AddonSplice {
    const fd = this.fd();
    if (fd < 0) return null;
    const raw = this.socket;
    if (raw !== null && (raw.readableFlowing !== true || raw.readableLength > 0)) return null;
    const n = calls.splicefile(fd, fileFd, max, SLICE_MS, out);
    if (n > 0) return { kind: 'moved', bytes: n, then: out.readInt32LE(0) };
    if (n <= -FILE_ERROR) return { kind: 'file', errno: n + FILE_ERROR };
    if (n < 0 && n !== EAGAIN) return { kind: 'error', errno: n };
    if (this.bare === null) return null;
    if (n === EAGAIN) return { kind: 'turn' };
    void this.node; // the end of the stream (0): Node reads and tells it
    return null;
  }

  /** Closes a bare descriptor (reset: RST, as resetAndDestroy). Node's socket is closed by its owner. */
  closeBare(reset: boolean): void {
    const bare = this.bare;
    if (bare === null || this.bareClosed) return;
    this.bareClosed = true;
    unwatchBare(bare.fd, this);
    bare.calls.close(bare.fd, reset ? 1 : 0);
  }
}
