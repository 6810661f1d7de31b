import { readFileSync } from 'node:fs';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { nativeCalls } from './native.js';

/**
 * A link-local IPv6 host as the engine holds it, the way Node's dgram and net (and the addon) write a
 * sender: fe80::1%eth0, the address and the interface it is on (the same address on two interfaces
 * is two hosts, and a reply needs the interface). Python's recvfrom shows it apart:
 * ('fe80::1', port, 0, 2), the host as inet_ntop writes it and the interface's number as scope_id.
 */
export interface ScopedHost {
  /** The address without its interface: fe80::1. */
  readonly address: string;
  /** The interface's index (sin6_scope_id); 0 without one, or where it is not known. */
  readonly scopeId: number;
}

/** host split at its '%': the address and the interface's index (from its name, or the number given). */
export function splitScope(host: string): ScopedHost {
  const at = host.indexOf('%');
  if (at < 0) return { address: host, scopeId: 0 };
  const zone = host.slice(at + 1);
  return { address: host.slice(0, at), scopeId: /^\d+$/.test(zone) ? Number(zone) : interfaceIndex(zone) };
}

/**
 * A host typed with its interface after '%', checked and written as Node and the addon take it:
 * fe80::3%lo as it is, fe80::3%1 (the number Python shows as scope_id) as fe80::3%lo. Null when the
 * zone names no interface of this host: libuv (Node) asks if_nametoindex, and for a number or an
 * unknown name it silently sends with no interface at all, where Python's (host, port, 0, 99) fails.
 */
export function namedZone(host: string): string | null {
  const at = host.indexOf('%');
  if (at < 0) return host;
  const zone = host.slice(at + 1);
  const known = interfaces();
  if (!/^\d+$/.test(zone)) return known.some(([name]) => name === zone) ? host : null;
  // Node knows an interface's number only from a link-local address of its; the addon asks the kernel.
  const name = known.find(([, index]) => index === Number(zone))?.[0] || nativeCalls().calls?.ifname(Number(zone)) || undefined;
  return name === undefined ? null : `${host.slice(0, at)}%${name}`;
}

/** This host's interfaces, as `lo, eth0 (2)`: what a zone may name, with the number of each that has a link-local address. */
export function zoneChoices(): string {
  return interfaces()
    .map(([name, index]) => (index > 0 ? `${name} (${index})` : name))
    .join(', ');
}

/**
 * [name, index] of each interface in this process's network namespace (getifaddrs), in index order.
 * Its index as indexOf tells it: 0 where that is not known.
 */
function interfaces(): [string, number][] {
  return Object.entries(networkInterfaces())
    .map(([name, addresses]): [string, number] => [name, indexOf(name, addresses)])
    .sort((a, b) => a[1] - b[1]);
}

/**
 * The index of interface `name`: the scope id of its own link-local address, as getifaddrs tells it in
 * this process's network namespace, else the kernel's answer through the addon (if_nametoindex; lo has
 * no link-local address). Node has no if_nametoindex, and /sys/class/net is the namespace's that
 * mounted it, not always this process's: without the addon, /proc/net's (procIndexes), else 0.
 */
function indexOf(name: string, addresses: readonly NetworkInterfaceInfo[] | undefined): number {
  const linkLocal = addresses?.find((a) => a.family === 'IPv6' && (a.scopeid ?? 0) > 0)?.scopeid;
  if (linkLocal !== undefined) return linkLocal;
  const viaAddon = nativeCalls().calls?.ifindex(name) ?? 0;
  return viaAddon > 0 ? viaAddon : (procIndexes().get(name) ?? 0);
}

let fromProc: Map<string, number> | null = null;

/**
 * Interface indexes by name as Linux lists them in /proc/net, which is this process's network
 * namespace's (/proc/self/net): if_inet6 has each interface with an IPv6 address (lo with ::1 and no
 * link-local one too, index in hex), igmp6 each one IPv6 multicast runs on (index in decimal). Read
 * once, when an interface without a link-local address is looked for; empty where neither is there.
 */
function procIndexes(): Map<string, number> {
  if (fromProc !== null) return fromProc;
  fromProc = new Map();
  for (const [file, column, radix] of [
    ['/proc/net/if_inet6', 1, 16],
    ['/proc/net/igmp6', 0, 10],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // not Linux, or no IPv6
    }
    for (const line of text.split('\n')) {
      const fields = line.trim().split(/\s+/);
      const index = parseInt(fields[column] ?? '', radix);
      const name = column === 1 ? fields[5] : fields[1];
      if (name !== undefined && index > 0 && !fromProc.has(name)) fromProc.set(name, index);
    }
  }
  return fromProc;
}

/** Interface indexes by name, once found. */
const indexes = new Map<string, number>();

/** The index of the interface `name` (indexOf), 0 where none is known; kept once found. */
function interfaceIndex(name: string): number {
  const known = indexes.get(name);
  if (known !== undefined) return known;
  const index = indexOf(name, networkInterfaces()[name]);
  if (index > 0) indexes.set(name, index);
  return index;
}

/**
 * An interface of this host named by its name or its number (IPv6's multicast options take either):
 * both, or null when none is so named. Its number is 0 when it is not known (no link-local address
 * and no addon, see indexOf): a number typed for it cannot be matched either. An interface with no
 * address at all is found only through the addon.
 */
export function findInterface(word: string): { readonly name: string; readonly index: number } | null {
  const numbered = /^\d+$/.test(word);
  const found = interfaces().find(([name, index]) => (numbered ? index === Number(word) && index > 0 : name === word));
  if (found !== undefined) return { name: found[0], index: found[1] };
  const calls = nativeCalls().calls;
  if (calls === null) return null;
  const name = numbered ? calls.ifname(Number(word)) : word;
  const index = numbered ? Number(word) : calls.ifindex(word);
  return name === '' || index <= 0 ? null : { name, index };
}
