import type { Address, Family, Transport } from '../engine/types.js';
import { pyAddress } from '../export/literals.js';
import { addressRepr } from '../lang/values.js';

/** Short phrases the socket commands use to say what happened underneath. */

export function socketCall(transport: Transport, family: Family): string {
  return `socket(${family === 'unix' ? 'AF_UNIX' : family === 6 ? 'AF_INET6' : 'AF_INET'}, ${transport === 'udp' ? 'SOCK_DGRAM' : 'SOCK_STREAM'})`;
}

/** Where a bound address can be reached from: the textbook's '' means every interface. */
export function reach(a: Address): string {
  if (a.family === 'unix') return 'a socket file: only processes on this host that may open it can connect';
  if (a.host === '0.0.0.0') return 'every IPv4 interface, reachable from other hosts';
  if (a.host === '::') return 'every interface, IPv6 and IPv4, reachable from other hosts';
  if (a.host.startsWith('127.') || a.host === '::1') return 'loopback only, reachable from this host alone';
  return `the interface with address ${a.host}`;
}

export function bound(name: string, a: Address): string {
  return `${name} bound to ${addressRepr(a)}: ${reach(a)}`;
}

/**
 * What the shell says once a socket is bound: where (with tail appended), then, for a port below 1024
 * that the OS allowed (as root), the chapter's advice to leave the well-known ports alone.
 */
export function boundLines(name: string, a: Address, tail = ''): string[] {
  const lines = [`${bound(name, a)}${tail}`];
  if (a.port > 0 && a.port < 1024) {
    lines.push(
      `port ${a.port} is a well-known port, kept for standard services: servers of your own should use one above 1023, as the textbook's 12000`,
    );
  }
  return lines;
}

/** Python's literal for a host argument, for the "calls made" lines of shortcuts. */
export function pyHost(host: string): string {
  return `'${host.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * (host, port) as the Python line says it: a zoned IPv6 host (fe80::3%99) as the 4-tuple with its
 * scope_id, as export writes it, since Python drops a zone written in a 2-tuple's host (its connect
 * then fails with EINVAL, where the shell's and the 4-tuple's reach the interface).
 */
export function pyPair(host: string, port: number): string {
  return pyAddress(host, String(port)) ?? `(${pyHost(host)}, ${port})`;
}
