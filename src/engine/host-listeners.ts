/**
 * A refused TCP connect to this host, and what does listen here: the words that replace "start the
 * server first" when a server runs but not where the client went (user trials' open finding 3: a
 * client and a server in two terminals, on two ports). Read from /proc/net/tcp and tcp6, the kernel's
 * table of this network namespace, whichever process holds the sockets; once per refusal, never on a
 * path that succeeds. Null where nothing listens near, or the table cannot be read (not Linux).
 *   - The same port at another address or family (the server bound ::1, the client went to 127.0.0.1).
 *   - A port close by (within NEAR), as a mistyped or mismatched port would be. Ports the OS hands out
 *     for port 0 (ip_local_port_range) and the privileged ones are left out both ways: a listener
 *     there is no one's typed port, and its closeness to another is chance.
 */
import { readFileSync } from 'node:fs';
import { isIP, SocketAddress } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ephemeralRange } from './ephemeral.js';

const NEAR = 10;

interface Listening {
  readonly host: string;
  readonly port: number;
}

/** The hint for a connect to ip:port that was refused, or null (then: start the server first). */
export function refusedHint(ip: string, port: number): string | null {
  if (!isThisHost(ip)) return null; // another host's listeners are not in this table
  const all = listeners();
  const here = [...new Set(all.filter((l) => l.port === port).map((l) => l.host))];
  if (here.length > 0) {
    const at = here
      .map((h) => (h === '0.0.0.0' ? 'every IPv4 address (0.0.0.0)' : h === '::' ? 'every IPv6 address (::)' : h))
      .join(' and ');
    const to = here[0] === '0.0.0.0' ? '127.0.0.1' : here[0] === '::' ? '::1' : here[0];
    return `but port ${port} is listening on this host at ${at}, which is not where this connect went: connect to ${to}, or have the server bind the address the client uses`;
  }
  const [low, high] = ephemeralRange();
  const typed = (p: number): boolean => p >= 1024 && (p < low || p > high);
  if (!typed(port)) return null;
  const near = [...new Set(all.filter((l) => typed(l.port) && Math.abs(l.port - port) <= NEAR).map((l) => l.port))]
    .sort((a, b) => Math.abs(a - port) - Math.abs(b - port) || a - b)
    .slice(0, 3);
  if (near.length === 0) return null;
  const ports = near.length === 1 ? `port ${near[0]}` : `ports ${near.join(', ')}`;
  return `but this host listens on ${ports}, close by: is that your server? Check that both programs use the same port (or start the server first)`;
}

/** The TCP sockets in LISTEN in this namespace: their address (as inet_ntop writes it) and port. */
function listeners(): Listening[] {
  const found: Listening[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue; // TCP_LISTEN
      const [hex, portHex] = (fields[1] ?? '').split(':');
      if (hex === undefined || portHex === undefined) continue;
      found.push({ host: v6 ? ipv6Of(hex) : ipv4Of(hex), port: parseInt(portHex, 16) });
    }
  }
  return found;
}

/** The kernel writes an address as 32-bit words in host order (little-endian here): 0100007F is 127.0.0.1. */
function ipv4Of(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6Of(hex: string): string {
  const bytes: string[] = [];
  for (let word = 0; word < 32; word += 8) for (const i of [6, 4, 2, 0]) bytes.push(hex.slice(word + i, word + i + 2));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i]! + bytes[i + 1]!);
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** ip reaches this host: loopback, the any-address (which reaches it), or an address of its interfaces. */
function isThisHost(ip: string): boolean {
  const bare = ip.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.)/i, '');
  if (bare === '0.0.0.0' || bare === '::' || bare === '::1' || bare.startsWith('127.')) return true;
  if (isIP(bare) === 0) return false;
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === bare));
}
