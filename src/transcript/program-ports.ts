import { readdirSync, readlinkSync } from 'node:fs';
import { socketRows, TCP_LISTEN } from '../engine/index.js';
import { running } from './process-group.js';

/**
 * The ports a program under test has bound, by its process group: what its sockets are (Linux's
 * /proc/PID/fd) matched with the kernel's socket tables. Listening TCP sockets and UDP sockets only,
 * the ports a server takes. Empty where it has none or /proc cannot say. For a program that never
 * bound the port it was given: the port it chose instead.
 */
export function boundPorts(pgid: number): { readonly transport: 'TCP' | 'UDP'; readonly port: number }[] {
  const inodes = new Set<string>();
  for (const pid of running(pgid) ?? []) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      try {
        const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (socket) inodes.add(socket[1]!);
      } catch {
        // closed while we looked
      }
    }
  }
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
