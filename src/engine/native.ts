/**
 * The native fast path (native/sockshell.c, built into dist/native/sockshell.node when the machine
 * can build it): socket calls made directly on the descriptors Node's sockets own, waiting in poll()
 * on the socket and on the event loop's own descriptor at once. A call that would wait completes
 * there, without a turn of the event loop, as long as nothing else needs the loop; the moment
 * something does (another socket, a timer, a child's output, Ctrl-C), the call goes on waiting on the
 * event loop as usual. So both back ends keep one set of semantics: the event loop's.
 *
 * The addon is optional. Without it (not built, or it fails to load) every call takes the event loop.
 */
import { createRequire } from 'node:module';
import type { Address, Family } from './types.js';

/** The addon's functions; a negative number is -errno. */
export interface NativeCalls {
  /** READY when fd is readable (writable), SLICE when maxMs (at most 250 ms) passed quietly, LOOP when the loop needs to run. */
  wait(fd: number, write: 0 | 1, maxMs: number): number;
  /**
   * The datagrams the kernel holds (recvmmsg), up to max and buffer's slots of MANY_SLOT_BYTES (16 at
   * most): how many were read, 0 for none, -errno for the socket's error. maxMs >= 0: wait (as wait)
   * first, and 0 when that wait ends without one; maxMs < 0: no wait. Datagram i is in slot i; meta's
   * record i (MANY_META_BYTES) holds its size (uint32, little-endian), then its sender (see addressOf).
   */
  recvmany(fd: number, maxMs: number, max: number, buffer: Buffer, meta: Buffer): number;
  sendto(fd: number, data: Buffer, host: string, port: number): number;
  send(fd: number, data: Buffer, offset: number, length: number): number;
  /**
   * A read, else wait (maxMs at most) and a read: bytes read, -errno, or EAGAIN when the wait goes on
   * on the event loop (the peer's FIN too). waitFirst 1: no read before the wait (the caller expects none).
   */
  recvwait(fd: number, buffer: Buffer, length: number, maxMs: number, waitFirst: 0 | 1): number;
  /** sendfile(2) from offset, without waiting on the socket: bytes sent, 0 at the file's end. */
  sendfile(socketFd: number, fileFd: number, offset: number, count: number): number;
  /**
   * Up to max bytes from the socket into the file at its position (splice(2) through a pipe), move after
   * move, waiting (as wait) for more while maxMs allows: their count; with nothing moved, 0 at the
   * peer's FIN, -errno for the socket's error, EAGAIN when nothing came, -(FILE_ERROR + errno) for the
   * file's. out (6 bytes at least; SPLICE_OUT_BYTES): what stopped a call that moved bytes (int32 at 0:
   * 0, -errno or -(FILE_ERROR + errno)), then how many bytes were peeked before the first move (at 4)
   * and those bytes (from 5). See native/sockshell.c, splice_file.
   */
  splicefile(socketFd: number, fileFd: number, max: number, maxMs: number, out: Buffer): number;
  /**
   * A connection from the listening fd: at once, else after a wait (maxMs at most; below 0, none); its
   * descriptor, the peer into address (see addressOf); EAGAIN when the wait goes on on the event loop.
   * waitFirst 1: the caller has just found the queue empty, so the wait comes first.
   */
  acceptwait(fd: number, address: Buffer, maxMs: number, waitFirst: 0 | 1): number;
  /** The name of the interface with this index (if_indextoname, in this process's namespace); '' for none. */
  ifname(index: number): string;
  /** The index of the interface with this name (if_nametoindex, in this process's namespace); 0 for none. */
  ifindex(name: string): number;
  /** getsockname into address (see addressOf): 0. */
  sockname(fd: number, address: Buffer): number;
  /** Bytes in the socket's receive buffer (SIOCINQ). */
  unread(fd: number): number;
  /** What poll(2) says of fd now, without waiting: its revents (POLLIN, POLLRDHUP asked; POLLERR, POLLHUP), or -errno. */
  revents(fd: number): number;
  /** The TCP sockets on local port `port` (sock_diag): counts gets TIME_WAIT ones, others, the longest TIME_WAIT left in ms (int32 each). */
  tcpholders(port: number, counts: Buffer): number;
  /** close(2); reset 1 sends RST (a linger of 0 first), as Node's resetAndDestroy does. */
  close(fd: number, reset: 0 | 1): number;
  /** An option's value as the OS reports it (an int, as Python's getsockopt reads it), or -errno. */
  getsockopt(fd: number, option: string): number;
  /** 0 or -errno; SO_LINGER's value is seconds, -1 for off. */
  setsockopt(fd: number, option: string, value: number): number;
  /** A new descriptor (family 0: AF_UNIX; stream: TCP, else UDP), for getsockopt before Node has made the socket's own; or -errno. */
  socket(family: 4 | 6 | 0, stream: 0 | 1): number;
  /** 0 when a TCP socket without SO_REUSEADDR may bind host:port now, else -errno (EADDRINUSE). */
  bindcheck(host: string, port: number): number;
  /** bind(2) of fd (made non-blocking) to host:port, an IP literal: 0 or -errno. */
  bindfd(fd: number, host: string, port: number): number;
  /** listen(2) with the backlog as given: 0 or -errno. */
  listenfd(fd: number, backlog: number): number;
  /** The connections in the accept queue of the listening fd (tcpi_unacked of TCP_INFO, on a listener), or -errno. */
  acceptqueue(fd: number): number;
  /** The clients of the connections in fd's accept queue (sock_diag), into out as ADDRESS_BYTES records (see addressOf): how many, or -errno. */
  queuedpeers(fd: number, out: Buffer): number;
  /** Calls onQueued on the event loop each time a connection joins fd's accept queue (and at once if one is there): a watcher for unwatch. */
  watchlisten(fd: number, onQueued: () => void): Watcher | number;
  /** Ends a watcher: its callback is not called again. */
  unwatch(watcher: Watcher): number;
  /** A watch set: onReady(fds) runs on the event loop when descriptors added to it end (the peer's FIN, a reset; not bytes). Keeps no loop alive. */
  watchset(onReady: (fds: readonly number[]) => void): Watcher | number;
  /** fd joins the watch set until it has been told once (one-shot) or is closed: 0 or -errno. */
  watchadd(set: Watcher, fd: number): number;
  /** A second descriptor for fd's socket, or -errno. */
  dup(fd: number): number;
  /** connect(AF_UNSPEC): a TCP socket whose connect failed or is under way goes back to CLOSED, keeping its bind. 0 or -errno. */
  disconnect(fd: number): number;
  /** shutdown(SHUT_RD), which Node cannot make: 0 or -errno. */
  shutreading(fd: number): number;
  /** shutdown(SHUT_WR) now, where Node's end() calls it a loop turn later: 0 or -errno. */
  shutwriting(fd: number): number;
  /** -errno → its code, as Node names it ('ECONNREFUSED'). */
  errname(negativeErrno: number): string;
  /** How the bulk path can move fd's bytes (output: as the stream's output): FD_FILE, FD_PIPE, or 0, not at all (bulk-pump.ts). */
  fdkind(fd: number, output: 0 | 1): number;
  /**
   * Moves bytes from input to the socket and from the socket to output (either -1: not this call's)
   * inside the kernel, for one slice at most: what ended the call (PUMP_*); counts gets the bytes sent
   * and received (doubles at 0 and 8) and an errno (int32 at 16). See native/sockshell.c, pump_fds.
   */
  pumpfds(socketFd: number, input: number, inputKind: number, output: number, outputKind: number, maxMs: number, counts: Buffer): number;
}

/** fdkind's answers: a file (sendfile from it; splice into it through a pipe), a pipe (splice), or neither (0). */
export const FD_FILE = 1;
export const FD_PIPE = 2;

/** What ended a pumpfds call. */
export const PUMP_SLICE = 0;
export const PUMP_MOVED = 1;
export const PUMP_LOOP = 2;
export const PUMP_INPUT_END = 3;
export const PUMP_SEND_FAILED = 4;
export const PUMP_OUTPUT_OFF = 5;
/** What watchlisten and watchset return: the addon's, opaque. */
export interface Watcher {
  readonly __watcher: never;
}

/** -EAGAIN (Linux's errno 11): nothing to read, or no room to send, after all. The addon is Linux's. */
export const EAGAIN = -11;

/** splicefile's file errors are -(FILE_ERROR + errno) (native/sockshell.c). */
export const FILE_ERROR = 4096;
/** splicefile's out: the errno that stopped a call after it moved bytes (int32), the preview's length, the preview (as an arrival's, exchange-log.ts). */
export const SPLICE_OUT_BYTES = 5 + 24;

export const SLICE = 0;
export const READY = 1;
export const LOOP = 2;
/**
 * The longest a call waits in the addon before it goes on waiting on the event loop. Anything else
 * that needs the loop ends the wait at once (the addon watches the loop's own descriptor and timers);
 * this bounds what it cannot see: JavaScript queued to run (nextTick, promises) beside the call.
 */
export const SLICE_MS = 250;

/** The size of an address buffer the addon fills (native/sockshell.c, put_address). Fill only zeroed buffers. */
export const ADDRESS_BYTES = 88;
/** Where an address's text starts in it, after the raw bytes (family, text length, port, address, IPv6 scope). */
export const ADDRESS_RAW_BYTES = 24;

/** recvmany's slot per datagram (the largest a datagram can be) and record per datagram (its size, then its sender). */
export const MANY_SLOT_BYTES = 65536;
export const MANY_META_BYTES = 4 + ADDRESS_BYTES;

/**
 * The address the addon wrote into buffer: its text as Node shows it (inet_ntop; fe80::1%eth0 for a
 * link-local one) and its port, as an Address of family. One literal, never `{ ...addressOf(b), family }`:
 * V8 gave each object spread so a hidden class of its own (a map and its descriptors, ~200 bytes per
 * held connection, and every Address reader megamorphic; issue 16).
 */
export function addressOf(buffer: Buffer, family: Family): Address {
  return { host: hostOf(buffer), port: buffer.readUInt16BE(2), family };
}

/** The last host addressOf read, by its raw bytes (port left out): a server's clients mostly share one, and each held connection kept a copy of its text. */
const lastRaw = Buffer.alloc(ADDRESS_RAW_BYTES);
let lastHost = '';

function hostOf(buffer: Buffer): string {
  if (sameHost(buffer)) return lastHost;
  buffer.copy(lastRaw, 0, 0, ADDRESS_RAW_BYTES);
  lastHost = buffer.toString('latin1', ADDRESS_RAW_BYTES, ADDRESS_RAW_BYTES + (buffer[1] ?? 0));
  return lastHost;
}

/** [0] the family, [1] the text's length, [4..] the raw address and its scope are the last one's: all but the port ([2..3]). A loop, as udp-native.ts's: Buffer.compare's checks cost more. */
function sameHost(buffer: Buffer): boolean {
  if (buffer[0] !== lastRaw[0] || buffer[1] !== lastRaw[1]) return false;
  for (let i = 4; i < ADDRESS_RAW_BYTES; i++) if (buffer[i] !== lastRaw[i]) return false;
  return true;
}

/** What the engine holds of the fast path: the addon, and whether a call may block the thread now. */
export interface Blocking {
  readonly calls: NativeCalls;
  readonly allowed: () => boolean;
}

/**
 * The addon from where this module is, in the order a start-up meets them: the bundle and vitest (whose
 * import.meta.url is the source file's, src/engine/native.ts) find it in dist/native/, tsc's output
 * (dist/modules/engine/) two folders up. A place that misses costs a failed require, ~1 ms of a
 * start-up. Fixed names only: a script can make this load nothing else (test/containment.test.ts).
 */
const PLACES: readonly (() => unknown)[] = [
  () => createRequire(import.meta.url)('../../dist/native/sockshell.node') as unknown,
  () => createRequire(import.meta.url)('../../native/sockshell.node') as unknown,
];

let loaded: { readonly calls: NativeCalls | null; readonly problem: string } | null = null;

/** The addon, loaded once per process; null with the reason when it is not there or fails to load. */
export function nativeCalls(): { readonly calls: NativeCalls | null; readonly problem: string } {
  if (loaded !== null) return loaded;
  // SOCKSHELL_NATIVE=0 at run time, as at build time: the event loop alone, as a build without the
  // addon runs (npm test's test:fallback runs the unit suites so). Read here, where the addon loads.
  if (process.env.SOCKSHELL_NATIVE === '0') return (loaded = { calls: null, problem: 'SOCKSHELL_NATIVE=0 leaves the native addon out' });
  let problem = 'the native addon was not built (npm run build says why)';
  for (const place of PLACES) {
    try {
      // A plain object of the functions (the addon's own exports are read-only).
      loaded = { calls: { ...(place() as NativeCalls) }, problem: '' };
      return loaded;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'MODULE_NOT_FOUND')
        problem = `the native addon did not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    }
  }
  loaded = { calls: null, problem };
  return loaded;
}

/** An error object for -errno from the addon, as Node's would be: toSocketError reads its code. */
export function nativeError(calls: NativeCalls, negativeErrno: number, syscall: string): Error & { code: string; syscall: string } {
  const code = calls.errname(negativeErrno);
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
}
