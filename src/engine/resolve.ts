/**
 * Ports and hosts as Python's socket module takes them: ports are checked here (Node silently wraps
 * 70000 to 4464), and hosts resolve in the socket's own family, as getaddrinfo(AF_INET/AF_INET6) does.
 */
import { isIP } from 'node:net';
import { SocketError, toSocketError } from './errors.js';
import { namedZone, zoneChoices } from './ipv6-scope.js';
import type { Address, Family } from './types.js';

/** Throws EINVAL unless port is an integer in 0..65535. */
export function checkPort(port: number, call: string, socket: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SocketError('EINVAL_PORT', call, { socket, value: String(port) });
  }
}

/** Throws EINVAL unless port can be a destination (1..65535). */
export function checkDestPort(port: number, call: string, socket: string): void {
  checkPort(port, call, socket);
  if (port === 0) throw new SocketError('EINVAL_DEST_PORT', call, { socket, port });
}

/**
 * Two local addresses that cannot both be bound: the same port and family, and the same host or an
 * any-address; or the same port where one is IPv6's '::', which (no IPV6_V6ONLY, Linux's default)
 * takes the port on every IPv4 address too.
 */
export function overlaps(mine: Address | null, wanted: Address): boolean {
  if (mine === null || mine.port !== wanted.port) return false;
  if (mine.family !== wanted.family) return dualStack(mine, wanted) || dualStack(wanted, mine);
  return mine.host === wanted.host || isAny(mine.host) || isAny(wanted.host);
}

const dualStack = (v6: Address, v4: Address): boolean => v6.family === 6 && v6.host === '::' && v4.family === 4;

const isAny = (host: string): boolean => host === '0.0.0.0' || host === '::';

/** The any-address of a family: what Python's '' means (AF_UNIX: '', the unnamed address). */
export function anyAddress(family: Family): string {
  return family === 4 ? '0.0.0.0' : family === 6 ? '::' : '';
}

/** The family of an IP address literal (127.0.0.1: 4, ::1: 6); null for a name or ''. */
export function literalFamily(host: string): Family | null {
  const kind = isIP(host);
  return kind === 4 || kind === 6 ? kind : null;
}

/**
 * The address for host without a DNS lookup, or null when host is a name that needs one.
 * Throws EAI_FAMILY for a literal of the other family (as Python's gaierror does).
 */
export function literalHost(host: string, family: Family, call: string, socket: string, port?: number): string | null {
  if (family === 'unix') return host; // AF_UNIX: the host is the path, used as it is
  if (host === '') return anyAddress(family);
  const kind = isIP(host);
  if (kind === family) return kind === 6 ? zoned(host, call, socket, port) : host;
  if (kind !== 0 || (host === '<broadcast>' && family === 6)) {
    throw new SocketError('EAI_FAMILY', call, { socket, host, port, family });
  }
  if (host === '<broadcast>') return '255.255.255.255';
  return null;
}

/**
 * The host as the caller named it when the OS looked it up (localhost), for the events' `named`; null
 * for an address or '' (nothing was looked up, whatever address the kernel then used: 0.0.0.0 and ''
 * reach 127.0.0.1) and for an AF_UNIX path.
 */
export function lookedUp(host: string, family: Family): string | null {
  return family === 'unix' || host === '' || host === '<broadcast>' || isIP(host) !== 0 ? null : host;
}

/**
 * An IPv6 literal with its interface checked (ipv6-scope.ts namedZone). A name that is none of this
 * host's interfaces fails as getaddrinfo fails on it (ENOTFOUND, socket.gaierror). A number is taken
 * as it is (Python's scope_id): the call fails in the kernel, as Python's (host, port, 0, 99) does, bind
 * with ENODEV and the rest with ENETUNREACH (no route out of an interface that is not there); Node
 * cannot pass the number on (libuv takes names), so the engine says what the kernel would.
 */
function zoned(host: string, call: string, socket: string, port: number | undefined): string {
  const named = namedZone(host);
  if (named !== null) return named;
  const context = { socket, host, port, family: 6 as const, value: zoneChoices() };
  if (!/%\d+$/.test(host)) throw new SocketError('ENOTFOUND_ZONE', call, context);
  throw new SocketError(call === 'bind' ? 'ENODEV_ZONE' : 'ENETUNREACH_ZONE', call, context);
}

/** Resolve host in the socket's family: literals at once, names (including 'localhost') via dns.lookup. */
export function resolveHost(host: string, family: Family, call: string, socket: string, port?: number): Promise<string> {
  const literal = literalHost(host, family, call, socket, port);
  if (literal !== null || family === 'unix') return Promise.resolve(literal ?? host);
  return lookupHost(host, family, call, socket, port);
}

/** node:dns is loaded for the first name to look up: scripts that use addresses never need it. */
async function lookupHost(host: string, family: 4 | 6, call: string, socket: string, port?: number): Promise<string> {
  try {
    const { lookup } = await import('node:dns/promises');
    const found = await lookup(host, { family });
    return found.address;
  } catch (err) {
    throw toSocketError(err, call, { socket, host, port, family });
  }
}
