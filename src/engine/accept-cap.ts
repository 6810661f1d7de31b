/**
 * How many connections a listening socket holds for accept, and why the ones past that are reset:
 * for the listeners that are Node's server (TLS, Unix, and every TCP one of a build without the
 * addon). Where the addon is built a TCP listener's queue is the kernel's (kernel-listener.ts).
 * test/e2e/accept-cap.test.ts runs a Unix listener past the cap.
 *
 * Python's kernel keeps completed handshakes in the listening socket's queue (Linux: backlog + 1 of
 * them) and leaves further clients unanswered; they retry their SYN and wait until accept makes room.
 * None of that costs the program a descriptor. Node 20 accepts every connection at once (a descriptor
 * each), and cannot be made to leave them in the kernel: libuv accepts whenever the listening
 * descriptor is readable; the handle's readStop does nothing on a listening handle and readStart fails
 * with ENOTCONN (tried); maxConnections closes the extra connection; closing and listening again would
 * refuse new clients and reset the ones queued, and SO_REUSEPORT, which would keep the port meanwhile,
 * came in Node 22. Unbounded, a connect flood took every descriptor the shell had (a 5,000-connect
 * burst held 4,376, most in CLOSE-WAIT), and `file` and `tcp.connect` failed with EMFILE.
 *
 * So the shell holds what the kernel would for the backlog, and more only as far as it is safe: a
 * burst of clients that Python would have kept waiting (200 at once against the textbook's `listen 1`)
 * waits here too, up to a quarter of the descriptor limit (never past net.core.somaxconn). Past that a
 * new connection is reset at once, counted and said; its client sees ECONNRESET.
 */
import { readFileSync } from 'node:fs';

export function acceptQueueCap(backlog: number): number {
  const max = somaxconn();
  const kernel = Math.min(Math.max(1, backlog), max) + 1; // sk_acceptq_is_full is `>`: backlog + 1
  return Math.max(kernel, Math.min(max, Math.floor(openFilesLimit() / 4)));
}

/**
 * How many connections Python's kernel would hold for accept after listen(backlog): backlog + 1 (a
 * negative backlog is Python's 0, so 1), at most somaxconn + 1; its further clients wait in connect.
 * What `sockets` says beside the count of a queue that is Node's (SocketInfo.queued.kernelWouldHold).
 */
export function kernelAcceptQueue(backlog: number): number {
  return Math.min(Math.max(0, backlog), somaxconn()) + 1;
}

/** The most a listen backlog can be (the kernel clamps it to this). */
function somaxconn(): number {
  return readNumber('/proc/sys/net/core/somaxconn', /^(\d+)/) ?? 4096; // Linux's default since 5.4
}

/** The process's soft limit on open descriptors (RLIMIT_NOFILE), which Node does not expose. */
function openFilesLimit(): number {
  return readNumber('/proc/self/limits', /^Max open files\s+(\d+)/m) ?? 1024;
}

function readNumber(file: string, pattern: RegExp): number | null {
  try {
    const found = pattern.exec(readFileSync(file, 'utf8'))?.[1];
    return found === undefined ? null : Number(found);
  } catch {
    return null; // not Linux
  }
}
