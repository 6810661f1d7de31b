import { readdirSync, readlinkSync } from 'node:fs';
import { portSockets, socketRows, TCP_LISTEN } from '../engine/index.js';
import { running } from './process-group.js';
import { commandLine } from './process-tree.js';

/**
 * The ports a program under test has bound, by its process group: what its sockets are (Linux's
 * /proc/PID/fd) matched with the kernel's socket tables. Listening TCP sockets and UDP sockets only,
 * the ports a server takes. Empty where it has none or /proc cannot say. For a program that never
 * bound the port it was given: the port it chose instead.
 */
export function boundPorts(pgid: number): { readonly transport: 'TCP' | 'UDP'; readonly port: number }[] {
  const inodes = new Set<string>();
  for (const pid of running(pgid) ?? []) for (const inode of socketInodes(pid)) inodes.add(inode);
  if (inodes.size === 0) return [];
  const found = new Map<string, { transport: 'TCP' | 'UDP'; port: number }>();
  for (const [protocol, transport] of [
    ['tcp', 'TCP'],
    ['udp', 'UDP'],
  ] as const) {
    for (const row of socketRows(protocol) ?? []) {
      if (row.inode !== undefined && inodes.has(row.inode) && (protocol === 'udp' || row.state === TCP_LISTEN)) {
        found.set(`${transport} ${row.port}`, { transport, port: row.port });
      }
    }
  }
  return [...found.values()];
}

/**
 * The server ports the program has bound instead of the one it was given (boundPorts), as feedback
 * says them: `UDP port 12000`, with a port near the fresh one {port} gave it (`given`) said as
 * `{port} + 1`; '' for none. '' too once it has bound the port it was given: it did not choose
 * another, it only bound this one after the caller last looked (a server slow to start, under load).
 */
export function choseInstead(pgid: number | undefined, given: number | undefined): string {
  if (pgid === undefined) return '';
  const ports = boundPorts(pgid);
  if (given !== undefined && ports.some(({ port }) => port === given)) return '';
  return ports.map(({ transport, port }) => `${transport} port ${nearPort(port, given)}`).join(' and ');
}

/**
 * A port a program chose, said beside the fresh port {port} gave it: `{port} + 1` for a port worked
 * out from it (so the feedback reads the same every run, whatever port the run had), else the number
 * (written into the program: the same every run).
 */
function nearPort(port: number, given: number | undefined): string {
  if (given === undefined || port === given || Math.abs(port - given) > 100) return String(port);
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
  const holders = pids.filter((pid) => pid !== process.pid && socketInodes(pid).some((inode) => sockets.has(inode)));
  return [...new Set(holders.map((pid) => commandLine(pid)).filter((c) => c !== ''))];
}

/** The inodes of the sockets process `pid` has open (Linux's /proc/PID/fd); empty when it is gone or another user's. */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
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
