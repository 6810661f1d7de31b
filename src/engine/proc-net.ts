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

/** One row of a table as the kernel writes it, before its address is decoded. */
export interface ProcRow {
  readonly family: 4 | 6;
  /** The local address as the kernel writes it: 32-bit words of hex in host order. */
  readonly hex: string;
  readonly port: number;
  /** st, in hex: 0A is TCP's LISTEN, 06 TIME_WAIT; 07 (TCP_CLOSE) a UDP socket not connected. */
  readonly state: string | undefined;
  /** tr:when, the timer's kind and its ticks left. */
  readonly timer: string | undefined;
  readonly inode: string | undefined;
}

/**
 * Every row of the protocol's tables, IPv4 then IPv6: the one reader of /proc/net/tcp{,6} and
 * udp{,6}. Null where neither can be read (not Linux).
 */
export function procRows(protocol: 'tcp' | 'udp'): ProcRow[] | null {
  const rows: ProcRow[] = [];
  let read = false;
  for (const family of [4, 6] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${protocol}${family === 6 ? '6' : ''}`, 'utf8');
    } catch {
      continue; // no IPv6, or not Linux
    }
    read = true;
    for (const line of text.split('\n').slice(1)) {
      // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …", addresses as HEXIP:HEXPORT.
      const [, local, , state, , timer, , , , inode] = line.trim().split(/\s+/);
      if (!local) continue;
      const colon = local.lastIndexOf(':');
      rows.push({ family, hex: local.slice(0, colon), port: Number.parseInt(local.slice(colon + 1), 16), state, timer, inode });
    }
  }
  return read ? rows : null;
}

/** Every socket of the protocol in the kernel's table now, IPv4 then IPv6, with its address decoded. */
export function procSockets(protocol: 'tcp' | 'udp'): ProcSocket[] {
  return (procRows(protocol) ?? []).flatMap((row) =>
    row.state === undefined ? [] : [{ host: hostOf(row), port: row.port, family: row.family, state: row.state }],
  );
}

/** A row's local address as inet_ntop writes it: 0.0.0.0, 127.0.0.1, ::, ::1. */
export function hostOf(row: Pick<ProcRow, 'family' | 'hex'>): string {
  return row.family === 6 ? ipv6Of(row.hex) : ipv4Of(row.hex);
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
