import { readFileSync } from 'node:fs';

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
