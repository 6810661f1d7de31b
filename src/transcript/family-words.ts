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

/** The line that says so, or null when IPv4 reaches the program's socket (or it cannot be told). */
export function familyWords(facts: FamilyFacts): string | null {
  const ipv4At = [...facts.spokeAt].filter((host) => !host.includes(':'));
  if (ipv4At.length === 0 || ipv4At.length !== facts.spokeAt.size) return null;
  const transport: Transport | null = facts.spokeAs.size === 1 ? [...facts.spokeAs][0]! : null;
  if (transport === null) return null;
  const kind = transport === 'udp' ? 'UDP' : 'TCP';
  const mine = (facts.held ?? []).filter((p) => p.port === facts.port && p.transport === kind);
  if (mine.length === 0 || mine.some((p) => p.ipv4 !== false)) return null;
  const hosts = [...new Set(mine.flatMap((p) => p.hosts))];
  const bound = hosts.map((h) => (h === '::1' ? "::1, IPv6's loopback address" : h === '::' ? ':: with IPV6_V6ONLY set' : h)).join(' and ');
  const type = transport === 'udp' ? 'SOCK_DGRAM' : 'SOCK_STREAM';
  const outcome = transport === 'udp' ? 'the datagrams sent there reached nothing' : 'the connection was refused';
  const bind = transport === 'udp' ? "binds it to '' (every IPv4 address of the host)" : "binds it to '' and listens";
  return `the program's socket on port ${facts.shownPort} is an IPv6 socket (AF_INET6) bound to ${bound}, so it takes IPv6 only, but the transcript ${transport === 'udp' ? 'sent to' : 'connected to'} ${ipv4At.join(' and ')}, an IPv4 address: ${outcome}. The textbook's server makes an IPv4 socket, socket(AF_INET, ${type}), and ${bind}`;
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
