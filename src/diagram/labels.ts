import type { Transport } from '../engine/types.js';
import { repr } from '../lang/values.js';

/** The words of the ladder's arrows and notes that more than one kind of row uses. */

/** A byte count, and the payload itself when it is short. */
export function payload(bytes: number, preview: Buffer): string {
  if (bytes === 0) return "0 B b''";
  const shown = repr({ kind: 'bytes', value: preview.subarray(0, 16) });
  return `${bytes} B ${shown}${bytes > 16 ? '…' : ''}`;
}

/** What arrived, as the arrow from the peer says it: one piece with its payload, or a run of them counted. */
export function arrival(transport: Transport, bytes: number, pieces: number, preview: Buffer): string {
  if (pieces === 1) return payload(bytes, preview);
  return `${bytes} B in ${pieces} ${transport === 'udp' ? 'datagrams' : 'pieces'}`;
}

/**
 * The packet a peer's host sent that an error arriving between calls stands for, by transport and
 * code; null when the error is not one packet from the peer (a keepalive's ETIMEDOUT). On TCP both
 * ECONNRESET and EPIPE (a reset after the peer's FIN, engine/end-probe.ts) are its RST; on a connected
 * UDP socket ECONNREFUSED is ICMP port unreachable. An AF_UNIX connection sends no packets: its
 * ECONNRESET is the kernel's word that the peer closed with bytes unread.
 */
export function packetOfError(transport: Transport, code: string, unix = false): string | null {
  if (unix) return code === 'ECONNRESET' ? 'reset (ECONNRESET: it closed with bytes unread)' : null;
  if (transport === 'tcp') {
    if (code === 'EPIPE') return 'RST (the next send: EPIPE)';
    return code === 'ECONNRESET' ? 'RST (ECONNRESET)' : null;
  }
  if (code === 'ECONNREFUSED') return 'ICMP port unreachable (ECONNREFUSED)';
  if (code === 'EHOSTUNREACH') return 'ICMP host unreachable (EHOSTUNREACH)';
  return null;
}
