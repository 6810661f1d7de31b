/**
 * A refusal from this host, and what is there instead: the words that replace "start the server
 * first" when a server runs but not where the client went (user trials' open finding 3: a client and
 * a server in two terminals, on two ports). Read from the kernel's tables (proc-net.ts) once per
 * refusal, never on a path that succeeds. Null where nothing is near, or the tables cannot be read.
 *   - TCP: a connect refused (RST); what listens (LISTEN in /proc/net/tcp{,6}).
 *   - UDP: a connected socket's datagram came back as ICMP port unreachable; what is bound and not
 *     connected (/proc/net/udp{,6}: a server's socket). That error is told at a later call, so a
 *     socket bound where the datagram went is one bound since: the words say so.
 * What is named: the same port at another address or family (the server bound ::1, the client went to
 * 127.0.0.1), or a port close by (within NEAR), as a mistyped or mismatched port would be. Ports the
 * OS hands out for port 0 (ip_local_port_range) and the privileged ones are left out both ways: a
 * socket there is no one's typed port, and its closeness to another is chance.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ephemeralRange } from './ephemeral.js';
import { procSockets, type ProcSocket } from './proc-net.js';
import type { ErrorContext } from './reasons.js';

const NEAR = 10;

/** The TCP hint for a connect to ip:port from a socket of family that was refused, or null (then: start the server first). */
export function refusedHint(ip: string, port: number, family: 4 | 6): string | null {
  if (!isThisHost(ip)) return null; // another host's sockets are not in these tables
  const listening = procSockets('tcp').filter((s) => s.state === '0A'); // TCP_LISTEN
  const here = listening.filter((s) => s.port === port);
  if (here.length > 0) return `but port ${port} is listening on this host at ${elsewhere(here, family, 'connect')}`;
  const near = nearPorts(listening, port);
  return near === null ? null : `but this host listens on ${near}, close by: ${CHECK_PORT}`;
}

/**
 * What the words of a connected UDP socket of family, whose datagram to ip:port came back as ICMP
 * port unreachable, add: a socket bound where it went since (boundSince), or what is bound near
 * (elsewhere); empty when nothing is (then: start the server first). An IPv4 destination and a socket
 * on '::' are left unnamed: it reaches IPv4 only without IPV6_V6ONLY, which the table does not show.
 */
export function refusedDatagramHint(ip: string, port: number, family: 4 | 6): Pick<ErrorContext, 'elsewhere' | 'boundSince'> {
  if (!isThisHost(ip)) return {};
  const dest = bare(ip);
  const v6 = isIP(dest) === 6;
  const bound = procSockets('udp').filter((s) => s.state === '07'); // TCP_CLOSE: bound, not connected, as a server's is
  const here = bound.filter((s) => s.port === port);
  const since = here.find((s) => bare(s.host) === dest || s.host === (v6 ? '::' : '0.0.0.0'));
  if (since !== undefined) return { boundSince: since.host };
  const other = here.filter((s) => v6 || s.host !== '::');
  if (other.length > 0)
    return { elsewhere: `but port ${port} has a UDP socket bound on this host at ${elsewhere(other, family, 'datagram')}` };
  const near = nearPorts(bound, port);
  return near === null ? {} : { elsewhere: `but this host has a UDP socket bound on ${near}, close by: ${CHECK_PORT}` };
}

const CHECK_PORT = 'is that your server? Check that both programs use the same port (or start the server first)';

/** Where the sockets on the port are, which is not where the client went, and what to do about it. */
function elsewhere(found: readonly ProcSocket[], family: 4 | 6, what: 'connect' | 'datagram'): string {
  const hosts = [...new Set(found.map((s) => s.host))];
  const at = hosts
    .map((h) => (h === '0.0.0.0' ? 'every IPv4 address (0.0.0.0)' : h === '::' ? 'every IPv6 address (::)' : h))
    .join(' and ');
  const to = hosts[0] === '0.0.0.0' ? '127.0.0.1' : hosts[0] === '::' ? '::1' : hosts[0]!;
  const toFamily = isIP(bare(to)) === 6 ? 6 : 4;
  const command = what === 'connect' ? 'tcp.socket' : 'udp.socket';
  const from = toFamily === family ? '' : toFamily === 6 ? ` from an IPv6 socket (${command} -6)` : ` from an IPv4 socket (${command})`;
  const went = what === 'connect' ? 'this connect went' : 'the datagram went';
  return `${at}, which is not where ${went}: connect to ${to}${from}, or have the server bind the address the client uses`;
}

/** The typed ports close to port that sockets hold, nearest first ('port N' or 'ports N, M'), or null. */
function nearPorts(sockets: readonly ProcSocket[], port: number): string | null {
  const [low, high] = ephemeralRange();
  const typed = (p: number): boolean => p >= 1024 && (p < low || p > high);
  if (!typed(port)) return null;
  const near = [...new Set(sockets.filter((s) => typed(s.port) && Math.abs(s.port - port) <= NEAR).map((s) => s.port))]
    .sort((a, b) => Math.abs(a - port) - Math.abs(b - port) || a - b)
    .slice(0, 3);
  if (near.length === 0) return null;
  return near.length === 1 ? `port ${near[0]}` : `ports ${near.join(', ')}`;
}

/** An address without its zone, and an IPv4-mapped IPv6 address as the IPv4 address it is. */
function bare(ip: string): string {
  return ip.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.)/i, '');
}

/** ip reaches this host: loopback, the any-address (which reaches it), or an address of its interfaces. */
function isThisHost(ip: string): boolean {
  const b = bare(ip);
  if (b === '0.0.0.0' || b === '::' || b === '::1' || b.startsWith('127.')) return true;
  if (isIP(b) === 0) return false;
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === b));
}
