import { readFileSync, readlinkSync } from 'node:fs';

/**
 * What the kernel dropped for one UDP socket: datagrams that arrived while its receive buffer
 * (SO_RCVBUF) was full, before the shell could read them. Linux counts them per socket in the last
 * column of /proc/net/udp and udp6 (`ss -uanm` shows it as d…); the row is found by the inode of the
 * socket's descriptor (/proc/self/fd/N links to socket:[inode]). Read only when asked: a view, not a
 * hot path. Null where that cannot be read (not Linux, not bound yet, closed).
 *
 * A table read serves every socket asked about in the same turn of the event loop (`sockets` asks
 * for each UDP socket in one loop): each table is read once per view, not once per socket, which
 * read a file of N rows N times. The next turn reads afresh, so a count is never older than the
 * command that shows it.
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
  for (const file of TABLES) {
    const drops = table(file)?.get(inode);
    if (drops !== undefined) return drops;
  }
  return null;
}

const TABLES = ['/proc/net/udp', '/proc/net/udp6'] as const;

/** Each table's drops by inode, as read in this turn; null: it cannot be read (no IPv6). */
const thisTurn = new Map<string, ReadonlyMap<string, number> | null>();

function table(file: string): ReadonlyMap<string, number> | null {
  if (thisTurn.has(file)) return thisTurn.get(file)!;
  if (thisTurn.size === 0) queueMicrotask(() => thisTurn.clear());
  const read = parsed(file);
  thisTurn.set(file, read);
  return read;
}

/** A table's drops by inode; null when it cannot be read. */
function parsed(file: string): Map<string, number> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const drops = new Map<string, number>();
  for (const row of text.split('\n').slice(1)) {
    const cells = row.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (cells[9] !== undefined) drops.set(cells[9], Number.parseInt(cells[12] ?? '', 10) || 0);
  }
  return drops;
}
