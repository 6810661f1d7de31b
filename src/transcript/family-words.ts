import type { Transport } from '../engine/types.js';
import { ipv4Bindable } from './port-probe.js';
import type { ServerPort } from './program-ports.js';
import type { TransportFacts } from './transport-words.js';

/**
 * What a student is told when the program's server socket is an IPv6 one (AF_INET6) that IPv4 does
 * not reach, and the transcript talked to it over IPv4 (the textbook's AF_INET, to 127.0.0.1): bound
 * to ::1, IPv6's loopback address, or to :: with IPV6_V6ONLY set. The datagrams reached nothing (a
 * connect was refused), and the feedback said only "ETIMEDOUT … the program: still running", or
 * told a student whose server ran to start it first.
 */
export interface FamilyFacts extends Pick<TransportFacts, 'spokeAs' | 'held' | 'port' | 'shownPort'> {
  /** The addresses the transcript sent to or connected to on the program's port (SessionPorts.spokeAt); `held` has ipv4 told (ipv4Reach). */
  readonly spokeAt: ReadonlySet<string>;
}

/**
 * The line that says so, or null when the program's socket takes the family the transcript used (or
 * it cannot be told). The other way round too: an IPv4 socket (AF_INET, bound to '' or 127.0.0.1)
 * never takes IPv6, and a transcript that talked to ::1 reached nothing (a connect was refused, and
 * the shell's own hint said "connect to 127.0.0.1 from an IPv4 socket (tcp.socket)", prompt advice).
 */
export function familyWords(facts: FamilyFacts): string | null {
  const transport: Transport | null = facts.spokeAs.size === 1 ? [...facts.spokeAs][0]! : null;
  if (transport === null) return null;
  const kind = transport === 'udp' ? 'UDP' : 'TCP';
  const mine = (facts.held ?? []).filter((p) => p.port === facts.port && p.transport === kind);
  if (mine.length === 0) return null;
  const ipv6At = [...facts.spokeAt].filter((host) => host.includes(':') && !host.toLowerCase().startsWith('::ffff:'));
  if (ipv6At.length > 0 && ipv6At.length === facts.spokeAt.size) return ipv4OnlyWords(transport, mine, ipv6At, facts.shownPort);
  const ipv4At = [...facts.spokeAt].filter((host) => !host.includes(':'));
  if (ipv4At.length === 0 || ipv4At.length !== facts.spokeAt.size) return null;
  if (mine.some((p) => p.ipv4 !== false)) return null;
  const hosts = [...new Set(mine.flatMap((p) => p.hosts))];
  const bound = hosts.map((h) => (h === '::1' ? "::1, IPv6's loopback address" : h === '::' ? ':: with IPV6_V6ONLY set' : h)).join(' and ');
  const type = transport === 'udp' ? 'SOCK_DGRAM' : 'SOCK_STREAM';
  const outcome = transport === 'udp' ? 'the datagrams sent there reached nothing' : 'the connection was refused';
  const bind = transport === 'udp' ? "binds it to '' (every IPv4 address of the host)" : "binds it to '' and listens";
  return `the program's socket on port ${facts.shownPort} is an IPv6 socket (AF_INET6) bound to ${bound}, so it takes IPv6 only, but the transcript ${transport === 'udp' ? 'sent to' : 'connected to'} ${ipv4At.join(' and ')}, an IPv4 address: ${outcome}. The textbook's server makes an IPv4 socket, socket(AF_INET, ${type}), and ${bind}`;
}

/** The program's sockets on the port are all IPv4 (AF_INET), and the transcript talked to them over IPv6: said so, or null. */
function ipv4OnlyWords(transport: Transport, mine: readonly ServerPort[], ipv6At: readonly string[], shownPort: number): string | null {
  const hosts = [...new Set(mine.flatMap((p) => p.hosts))];
  if (hosts.some((h) => h.includes(':'))) return null;
  const bound = hosts.map((h) => (h === '0.0.0.0' ? "'' (0.0.0.0, every IPv4 address of the host)" : h)).join(' and ');
  const type = transport === 'udp' ? 'SOCK_DGRAM' : 'SOCK_STREAM';
  const outcome = transport === 'udp' ? 'the datagrams sent there reached nothing' : 'the connection was refused';
  return `the program's socket on port ${shownPort} is an IPv4 socket (AF_INET) bound to ${bound}, so it takes IPv4 only, but the transcript ${transport === 'udp' ? 'sent to' : 'connected to'} ${ipv6At.join(' and ')}, an IPv6 address: ${outcome}. A server that takes IPv6 makes an IPv6 socket, socket(AF_INET6, ${type}), and binds it to '::' (every IPv6 address, and IPv4 too unless IPV6_V6ONLY is set)`;
}

/**
 * The held ports with `ipv4` told: false for one whose every socket is IPv6 and takes no IPv4 (::1;
 * :: where an IPv4 socket can bind the port beside it), true otherwise. The program must still hold
 * them (the probe binds the port for a moment: see ipv4Bindable).
 */
export async function ipv4Reach(held: readonly ServerPort[]): Promise<ServerPort[]> {
  const told: ServerPort[] = [];
  for (const p of held) {
    const v6 = p.hosts.every((h) => h.includes(':') && !h.startsWith('::ffff:'));
    const loopback = p.hosts.every((h) => h === '::1');
    const ipv4 = !v6 ? true : loopback ? false : !(await ipv4Bindable(p.transport, p.port));
    told.push({ ...p, ipv4 });
  }
  return told;
}
