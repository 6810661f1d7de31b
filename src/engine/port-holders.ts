import { nativeCalls } from './native.js';
import { procRows } from './proc-net.js';

/**
 * What holds a TCP port, from Linux's sock_diag (netlink, in the native addon) or /proc/net/tcp and
 * tcp6 where the addon is not there: enough to tell a running socket from
 * connections in TIME_WAIT. The side that closes a connection first keeps it in TIME_WAIT for 60 s,
 * and binding the port fails with EADDRINUSE until they end, unless both the socket that made them
 * and the one binding set SO_REUSEADDR (Linux keeps the old socket's flag with it). Node sets it on
 * every TCP bind, so a server of this shell trips over the TIME_WAIT of another program's server.
 */

export interface PortHolders {
  /** Sockets on this local port in TIME_WAIT. */
  readonly timeWait: number;
  /** Any other TCP socket on this local port (listening, connected, closing). */
  readonly other: number;
  /** Milliseconds until the last TIME_WAIT socket ends. */
  readonly lastEndsInMs: number;
}

const TIME_WAIT = '06';
/** The kernel writes timers in USER_HZ ticks, 100 a second on Linux. */
const TICKS_PER_SECOND = 100;

/** The addon's answer (three int32: TIME_WAIT sockets, others, the longest TIME_WAIT left in ms). */
const diagCounts = Buffer.alloc(12);

/**
 * The TCP sockets bound to local port `port`; null where neither sock_diag nor /proc/net/tcp can be
 * read (not Linux). The kernel sends sock_diag only the port's sockets; /proc/net/tcp is every
 * socket's row as text, which on a busy machine (23,000–31,000 rows, most of them TIME_WAIT) took
 * 145–290 ms to read and parse where sock_diag took 50–110 ms (issue 16).
 */
export function tcpHolders(port: number): PortHolders | null {
  const calls = nativeCalls().calls;
  if (calls !== null && calls.tcpholders(port, diagCounts) === 0)
    return { timeWait: diagCounts.readInt32LE(0), other: diagCounts.readInt32LE(4), lastEndsInMs: diagCounts.readInt32LE(8) };
  return tcpHoldersFromProc(port);
}

/** tcpHolders from /proc/net/tcp and tcp6: where the addon is not there, or netlink is refused. */
export function tcpHoldersFromProc(port: number): PortHolders | null {
  const rows = rowsOnPort('tcp', port);
  if (rows === null) return null;
  let timeWait = 0;
  let other = 0;
  let lastEndsInMs = 0;
  for (const [state, timer] of rows) {
    if (state !== TIME_WAIT) {
      other++;
      continue;
    }
    timeWait++;
    const ticks = Number.parseInt(timer?.split(':')[1] ?? '0', 16);
    lastEndsInMs = Math.max(lastEndsInMs, Math.ceil((ticks * 1000) / TICKS_PER_SECOND));
  }
  return { timeWait, other, lastEndsInMs };
}

/**
 * How many UDP sockets are bound to local port `port` (IPv4 and IPv6); null where there is no
 * /proc/net/udp. Reading the kernel's table asks without binding: a probe that binds the port
 * itself can take it from the very program it waits for.
 */
export function udpHolders(port: number): number | null {
  return rowsOnPort('udp', port)?.length ?? null;
}

/**
 * The sockets a program bound to local port `port`, by inode: UDP sockets and listening TCP sockets.
 * Which sockets they are, not only how many, so a socket that took the port can be told from one that
 * held it before. A connection a listener accepted is on the listener's port too, and new: counted,
 * it made a server already on the port look like a program that had just taken it. Null where
 * /proc/net cannot be read.
 */
export function portSockets(port: number): Set<string> | null {
  const udp = rowsOnPort('udp', port);
  const tcp = tcpHolders(port);
  if (udp === null || tcp === null) return null;
  // /proc/net/tcp is slow to read on a busy machine (see tcpHolders): read only when a socket is there.
  const tcpRows = tcp.other > 0 ? (rowsOnPort('tcp', port) ?? []) : [];
  return new Set([...tcpRows.filter(([state]) => state === TCP_LISTEN), ...udp].map(([, , inode]) => inode ?? ''));
}

/** One socket of /proc/net/tcp, tcp6, udp or udp6: its local address and port, its state (hex: 0A listening, 06 TIME_WAIT), timer and inode. */
export interface SocketRow {
  /** 4 for tcp and udp, 6 for tcp6 and udp6 (an IPv6 socket: AF_INET6). */
  readonly family: 4 | 6;
  /** Its local address as the kernel writes it (hostOf in proc-net.ts reads it: 0.0.0.0, ::1). */
  readonly hex: string;
  readonly port: number;
  readonly state: string | undefined;
  readonly timer: string | undefined;
  readonly inode: string | undefined;
}

/** Listening, as /proc/net/tcp writes the state. */
export const TCP_LISTEN = '0A';

/** [state, timer, inode] of each socket of this protocol on local port `port`, from /proc/net; null if unreadable. */
function rowsOnPort(protocol: 'tcp' | 'udp', port: number): [string | undefined, string | undefined, string | undefined][] | null {
  return socketRows(protocol, port)?.map((row) => [row.state, row.timer, row.inode]) ?? null;
}

/** Every socket of this protocol (on local port `port`, if given), IPv4 and IPv6, from /proc/net; null if unreadable (not Linux). */
export function socketRows(protocol: 'tcp' | 'udp', port?: number): SocketRow[] | null {
  const rows = procRows(protocol);
  if (rows === null) return null;
  return rows.flatMap((row) =>
    port === undefined || row.port === port
      ? [{ family: row.family, hex: row.hex, port: row.port, state: row.state, timer: row.timer, inode: row.inode }]
      : [],
  );
}
