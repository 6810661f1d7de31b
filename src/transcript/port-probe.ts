import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { ephemeralRange } from './ports.js';
import { portSockets, tcpHolders, udpHolders } from '../engine/index.js';
import { NEAR_PORT } from './program-ports.js';

/** Whether a port is taken, by what, and a port nobody has: for starting and grading --with programs. */

/** Someone has this port: binding it ourselves fails with EADDRINUSE (TCP or UDP). TIME_WAIT counts. */
export async function portInUse(port: number): Promise<boolean> {
  // TCP and UDP side by side (a bind each waits on the event loop twice); udpTaken's two stay in turn.
  const [tcp, udp] = await Promise.all([tcpTaken(port), udpTaken(port)]);
  return tcp || udp;
}

/**
 * A program has bound this port (TCP or UDP): a running socket, not a closed connection in
 * TIME_WAIT, which a program binding with SO_REUSEADDR may bind over. Null where that cannot be
 * told (no /proc/net: not Linux); a program is then ready by its first line of output alone.
 *
 * It never binds the port itself: it is asked again and again while a program under test starts,
 * and a probe that held the port for a moment made a correct server's bind fail (EADDRINUSE, about
 * 1 run in 100 for a C server). The kernel's socket tables answer without touching the port, and a
 * connect or a datagram would reach the program under test.
 */
export function portBound(port: number): boolean | null {
  const tcp = tcpHolders(port);
  const udp = udpHolders(port);
  if (tcp === null || udp === null) return null;
  return tcp.other > 0 || udp > 0;
}

/**
 * A server is on this port: a UDP socket bound to it, or a TCP socket listening on it (portSockets).
 * Not a TCP socket bound and not (yet) listening: a connect to it is refused, and a TCP server between
 * its bind and its listen is not ready; nor TIME_WAIT. Null where /proc/net cannot be read.
 */
export function portServed(port: number): boolean | null {
  const sockets = portSockets(port);
  return sockets === null ? null : sockets.size > 0;
}

/**
 * A socket that was not on `port` when `before` was taken (portSockets) is on it now: something took the
 * port since. False where that cannot be told.
 */
export function takenSince(port: number, before: ReadonlySet<string> | null): boolean {
  if (before === null || portBound(port) !== true) return false;
  const now = portSockets(port);
  return now !== null && [...now].some((inode) => !before.has(inode));
}

/**
 * A port for one run of a --with program: free for TCP and UDP, with no TCP socket on it at all (so
 * no TIME_WAIT either), and below the OS's ephemeral range, so no client socket can be given it
 * meanwhile and transcripts never take it for a port the OS picked ([PORTn]).
 */
export async function freshPort(): Promise<number> {
  const [lo, hi] = freshRange();
  for (let attempt = 0; attempt < 100 && hi > lo; attempt++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (handedOut.has(port) || Math.abs(port - TEXTBOOK_PORT) <= NEAR_PORT) continue;
    const holders = tcpHolders(port);
    if (holders && holders.timeWait + holders.other > 0) continue;
    if (handedOut.has(port) || (await portInUse(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found for {port} in ${lo}–${hi}`);
}

/**
 * Where freshPort draws: 10000–19999, below the OS's ephemeral range (Linux's starts at 32768), and
 * below 20000: 20000–31999 is where the test suites take the fixed ports of their own servers
 * (test/helpers/proc.ts freeFixedPort), checked free and bound a moment later, so a fresh port drawn
 * there could be taken between freshPort's probe and the program's bind. With an ephemeral range that
 * starts lower, the ports below it; with one that starts below 11000, the ports above it.
 */
export function freshRange(): [number, number] {
  const [first, last] = ephemeralRange();
  if (first > 20000) return [10000, 19999];
  return first > 11000 ? [10000, first - 1] : [last + 1, 65535];
}

/**
 * The port the textbook's programs are written with, which a class copies into its servers. A fresh
 * port within NEAR_PORT of it made a server that binds 12000 whatever it is given read as one that
 * worked its port out from the one it was given ("it bound UDP port {port} - 37 instead"; for the
 * student "37 below the one it was given"), about 1 run in 110, where every other run said "UDP port
 * 12000": so no fresh port is drawn there.
 */
const TEXTBOOK_PORT = 12000;

/**
 * Ports given out and not yet released: transcripts graded side by side (`-j`) never share one,
 * though none is bound until its program starts.
 */
const handedOut = new Set<number>();

/** The run that had `port` from freshPort is over. */
export function releasePort(port: number): void {
  handedOut.delete(port);
}

/**
 * Whether an IPv4 socket can take `port` now, bound to every address (0.0.0.0, the textbook's ''),
 * and let go at once: beside a program's IPv6 socket bound to ::, it can only when that socket takes
 * no IPv4 (IPV6_V6ONLY), which /proc/net does not show. Only for a program that holds the port
 * already: a probe of a port a program is about to bind could take it from it (see portBound).
 */
export async function ipv4Bindable(transport: 'TCP' | 'UDP', port: number): Promise<boolean> {
  if (transport === 'TCP') return !(await tcpTaken(port));
  return new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind({ port, address: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function tcpTaken(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(false)));
  });
}

/** A UDP socket has the port, on IPv4 or on IPv6 (::1, or :: with IPV6_V6ONLY, leave 0.0.0.0 free). */
async function udpTaken(port: number): Promise<boolean> {
  return (await udpBindFails('udp4', '0.0.0.0', port)) || (await udpBindFails('udp6', '::', port));
}

function udpBindFails(type: 'udp4' | 'udp6', address: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createSocket(type);
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'));
    s.bind({ port, address, exclusive: true }, () => s.close(() => resolve(false)));
  });
}
