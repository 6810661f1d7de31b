import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { hostOf, portSockets, socketRows, TCP_LISTEN } from '../engine/index.js';
import { running } from './process-group.js';
import { children, commandLine } from './process-tree.js';

/** A server port a program holds: a UDP socket bound to it, or a TCP socket listening on it. */
export interface ServerPort {
  readonly transport: 'TCP' | 'UDP';
  readonly port: number;
  /**
   * The local addresses its sockets on the port are bound to, as inet_ntop writes them: 0.0.0.0 (the
   * textbook's ''), 127.0.0.1, and for an IPv6 socket (AF_INET6) ::, ::1.
   */
  readonly hosts: readonly string[];
  /** Whether IPv4 reaches it (an IPv6-only socket: false); told only where asked (family-words.ts ipv4Reach). */
  readonly ipv4?: boolean;
}

/**
 * What a program under test holds, by its process group (Linux's /proc/PID/fd matched with the
 * kernel's socket tables): how many of its processes still run (zombies do not), how many sockets
 * they have open, and the server ports among them. A socket the tables do not list has no port a
 * client could reach: made and not bound yet, or (TCP) bound and not listening. Null where it cannot
 * be read (no /proc: not Linux; or a process of another user's), so callers say less.
 */
export interface Holdings {
  readonly running: number;
  readonly sockets: number;
  readonly ports: readonly ServerPort[];
}

export function holdings(pgid: number): Holdings | null {
  const pids = running(pgid);
  if (pids === null) return null;
  const inodes = new Set<string>();
  for (const pid of pids) {
    const own = socketInodes(pid);
    if (own === null) return null;
    for (const inode of own) inodes.add(inode);
  }
  // Its standard input, output and error are Unix sockets (Node pipes a child's stdio through
  // socketpairs), and a name lookup opens a netlink socket: sockets, but none a client could reach.
  for (const inode of localSocketInodes()) inodes.delete(inode);
  if (inodes.size === 0) return { running: pids.length, sockets: 0, ports: [] };
  const found = new Map<string, ServerPort>();
  for (const [protocol, transport] of [
    ['tcp', 'TCP'],
    ['udp', 'UDP'],
  ] as const) {
    const rows = socketRows(protocol);
    if (rows === null) return null;
    for (const row of rows) {
      if (row.inode !== undefined && inodes.has(row.inode) && (protocol === 'udp' || row.state === TCP_LISTEN)) {
        const key = `${transport} ${row.port}`;
        found.set(key, { transport, port: row.port, hosts: [...(found.get(key)?.hosts ?? []), hostOf(row)] });
      }
    }
  }
  return { running: pids.length, sockets: inodes.size, ports: [...found.values()] };
}

/**
 * A server is on `port` (portSockets), and, with `pgid`, it is the program's (its process group's,
 * holdings): another program's socket on a fresh port made a program that then failed to bind it
 * (EADDRINUSE) look ready, and the transcript met its crash. Null where the tables cannot be read.
 */
export function servedBy(port: number, pgid: number | undefined): boolean | null {
  const sockets = portSockets(port);
  if (sockets === null || sockets.size === 0 || pgid === undefined) return sockets === null ? null : sockets.size > 0;
  const held = holdings(pgid);
  return held === null || held.ports.some((p) => p.port === port);
}

/**
 * The ports a program under test has bound (holdings): listening TCP sockets and UDP sockets only,
 * the ports a server takes. Empty where it has none or /proc cannot say. For a program that never
 * bound the port it was given: the port it chose instead.
 */
export function boundPorts(pgid: number): readonly ServerPort[] {
  return holdings(pgid)?.ports ?? [];
}

/**
 * The server ports the program has bound instead of the one it was given (boundPorts), as feedback
 * says them: `UDP port 12000`, with a port near the fresh one {port} gave it (`given`) said as
 * `{port} + 1`; '' for none. '' too once it has bound the port it was given: it did not choose
 * another, it only bound this one after the caller last looked (a server slow to start, under load).
 */
export function choseInstead(pgid: number | undefined, given: number | undefined): string {
  return pgid === undefined ? '' : portsInstead(boundPorts(pgid), given);
}

/** choseInstead for ports already read (holdings). */
export function portsInstead(ports: readonly ServerPort[], given: number | undefined): string {
  if (given !== undefined && ports.some(({ port }) => port === given)) return '';
  return ports.map(({ transport, port }) => `${transport} port ${nearPort(port, given)}`).join(' and ');
}

/** How far from the port it was given a port a program bound is said as worked out from it (nearPort). */
export const NEAR_PORT = 100;

/**
 * A port a program chose, said beside the fresh port {port} gave it: `{port} + 1` for a port worked
 * out from it (so the feedback reads the same every run, whatever port the run had), else the number
 * (written into the program: the same every run).
 */
function nearPort(port: number, given: number | undefined): string {
  if (given === undefined || port === given || Math.abs(port - given) > NEAR_PORT) return String(port);
  return `{port} ${port > given ? '+' : '-'} ${Math.abs(port - given)}`;
}

/**
 * The command lines of the processes that hold a server socket on `port` (portSockets: listening TCP,
 * UDP), in pid order: what feedback names as holding the transcript's port. Empty where none can be
 * seen (another user's processes, or no /proc). It reads every process's descriptors: for a report, once.
 */
export function portHolders(port: number): string[] {
  const sockets = portSockets(port);
  if (sockets === null || sockets.size === 0) return [];
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
  const holders = pids.filter((pid) => pid !== process.pid && (socketInodes(pid) ?? []).some((inode) => sockets.has(inode)));
  return [...new Set(holders.map((pid) => commandLine(pid)).filter((c) => c !== ''))];
}

/**
 * Whether the program started as `root` (and what it started) has a socket of its own: one not among
 * `inherited` (its standard input, output and error, which Node pipes through socketpairs). Null when
 * that cannot be read (no /proc, or no children files), so the caller looks at the kernel's tables.
 *
 * A look at the kernel's tables for a port costs a sock_diag dump (3.4 ms of system CPU here: the kernel
 * walks every bucket of its TCP hashes), and a starting program was looked at ~25 times while python3
 * started; until it has made a socket, no table can show it on a port, and this costs a few readlinks.
 */
export function ownSocket(root: number, inherited: ReadonlySet<string>): boolean | null {
  const seen = new Set<number>();
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    const inodes = socketInodes(pid);
    if (inodes === null) return null;
    if (inodes.some((inode) => !inherited.has(inode))) return true;
    const found = children(pid);
    // The leader ended (what it started may run on, out of sight) or Linux lists no children: unknown.
    if (found === null && pid === root) return null;
    queue.push(...(found ?? []));
  }
  return false;
}

/** The socket inodes on a process's standard input, output and error: what ownSocket leaves out. */
export function stdioSockets(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of [0, 1, 2]) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed, or gone
    }
  }
  return inodes;
}

/** The inodes of this namespace's Unix domain and netlink sockets (/proc/net/unix, netlink); empty where unreadable. */
function localSocketInodes(): string[] {
  const inodes: string[] = [];
  for (const [file, column] of [
    ['/proc/net/unix', 6],
    ['/proc/net/netlink', 9],
  ] as const) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of table.split('\n').slice(1)) {
      const inode = row.trim().split(/\s+/)[column];
      if (inode !== undefined) inodes.push(inode);
    }
  }
  return inodes;
}

/**
 * The inodes of the sockets process `pid` has open (Linux's /proc/PID/fd): empty when it is gone,
 * null when its descriptors cannot be read (another user's process).
 */
function socketInodes(pid: number): string[] | null {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? [] : null;
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.push(socket[1]!);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}
