import { readFileSync, readlinkSync } from 'node:fs';

/**
 * What the kernel dropped for one UDP socket: datagrams that arrived while its receive buffer
 * (SO_RCVBUF) was full, before the shell could read them. Linux counts them per socket in the last
 * column of /proc/net/udp and udp6 (`ss -uanm` shows it as d…); the row is found by the inode of the
 * socket's descriptor (/proc/self/fd/N links to socket:[inode]). Read only when asked: a view, not a
 * hot path. Null where that cannot be read (not Linux, not bound yet, closed).
 */
export function kernelUdpDrops(fd: number): number | null {
  if (fd < 0) return null;
  let inode: string;
  try {
    const link = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
    if (link === null) return null;
    inode = link[1]!;
  } catch {
    return null;
  }
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const row of table.split('\n').slice(1)) {
      const cells = row.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      if (cells[9] === inode) return Number.parseInt(cells[12] ?? '', 10) || 0;
    }
  }
  return null;
}
