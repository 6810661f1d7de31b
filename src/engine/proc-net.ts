/**
 * The kernel's tables of this network namespace's sockets, whichever process holds them:
 * /proc/net/tcp and tcp6, udp and udp6. Linux only; elsewhere (or unreadable) they read as empty.
 */
import { readFileSync } from 'node:fs';
import { SocketAddress } from 'node:net';

export interface ProcSocket {
  /** The local address as inet_ntop writes it (0.0.0.0, ::, 127.0.0.1, ::1), and its port. */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** The kernel's state number (st): 0A is TCP's LISTEN; 07 (TCP_CLOSE) a UDP socket not connected. */
  readonly state: string;
}

/** Every socket of the protocol in the kernel's table now, IPv4 then IPv6. */
export function procSockets(protocol: 'tcp' | 'udp'): ProcSocket[] {
  const found: ProcSocket[] = [];
  for (const family of [4, 6] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${protocol}${family === 6 ? '6' : ''}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [hex, portHex] = (fields[1] ?? '').split(':');
      const state = fields[3];
      if (hex === undefined || portHex === undefined || state === undefined) continue;
      found.push({ host: family === 6 ? ipv6Of(hex) : ipv4Of(hex), port: parseInt(portHex, 16), family, state });
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
