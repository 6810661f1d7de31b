import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { waitFor } from './wait.js';

/**
 * The most the kernel may buffer on one loopback TCP connection: the receive buffer's and the send
 * buffer's autotuning ceilings (the third field of tcp_rmem and tcp_wmem). They differ between
 * machines (4–32 MiB here), so a bound on what a stalled sender got out must be built from them.
 */
export function kernelTcpCeiling(): number {
  const third = (path: string, fallback: number) => {
    try {
      return Number(readFileSync(path, 'utf8').trim().split(/\s+/)[2]) || fallback;
    } catch {
      return fallback; // not Linux
    }
  };
  return third('/proc/sys/net/ipv4/tcp_rmem', 32 << 20) + third('/proc/sys/net/ipv4/tcp_wmem', 32 << 20);
}

/**
 * The kernel's send and receive queues (bytes) of the TCP socket with this local and remote port on
 * loopback, from /proc/net/tcp and tcp6; null where it is not listed (or not Linux). A sender the
 * reader holds back shows bytes waiting in its own send queue and in the reader's receive queue.
 */
export function tcpQueues(localPort: number, remotePort: number): { tx: number; rx: number } | null {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let rows: string[];
    try {
      rows = readFileSync(file, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const [, local, remote, , queues] = row.trim().split(/\s+/);
      const port = (address: string | undefined) => Number.parseInt(address?.slice(address.lastIndexOf(':') + 1) ?? '', 16);
      if (port(local) !== localPort || port(remote) !== remotePort) continue;
      const [tx, rx] = (queues ?? '').split(':').map((h) => Number.parseInt(h, 16));
      return { tx: tx ?? 0, rx: rx ?? 0 };
    }
  }
  return null;
}

/** The sockets among a process's open descriptors (/proc/PID/fd). */
export function socketsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // closed while we looked
    }
  }).length;
}

/**
 * Room left in the host's table of TIME_WAIT sockets (tcp_max_tw_buckets less those in it, from
 * /proc/net/sockstat); Infinity where it cannot be read. When the table is full the kernel makes no
 * more (a closed connection goes at once): benchmarks of other programs on a shared machine fill it,
 * and a test that counts TIME_WAIT sockets must wait for room first.
 */
export function timeWaitRoom(): number {
  try {
    const max = Number(readFileSync('/proc/sys/net/ipv4/tcp_max_tw_buckets', 'utf8').trim());
    const tw = /\btw (\d+)/.exec(readFileSync('/proc/net/sockstat', 'utf8'));
    return tw === null || !Number.isFinite(max) ? Infinity : max - Number(tw[1]);
  } catch {
    return Infinity;
  }
}

/** Waits (up to 70 s: TIME_WAIT lasts 60) until the host's TIME_WAIT table has room for a test's few; give the test a timeout past that. */
export function roomForTimeWait(): Promise<void> {
  return waitFor(
    () => timeWaitRoom() > 1_000,
    () => `room in the host's TIME_WAIT table (${timeWaitRoom()} left)`,
    70_000,
    100,
  );
}

/** A test timeout that leaves roomForTimeWait its 70 s. */
export const TIME_WAIT_TEST_MS = 150_000;
