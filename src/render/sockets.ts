import type { SocketHandle, SocketInfo } from '../engine/types.js';
import { hostPort } from '../lang/values.js';
import { renderTable } from './table.js';

/**
 * The `sockets` table: one row per open socket; `*` marks the current one, and `(%1)` one that a
 * background job's script opened (its name is the shell's, made unique beside the prompt's).
 */
export function socketsTable(
  sockets: readonly SocketInfo[],
  current: SocketHandle | null,
  jobOf: (owner: string) => number | null,
): string {
  if (sockets.length === 0) return 'no open sockets: create one with udp.socket, tcp.socket, udp.bind, tcp.listen or tcp.connect';
  const rows = sockets.map((s) => [
    (s.serial === current?.serial ? '* ' : '') + s.name + ownedBy(jobOf(s.owner)),
    `${s.transport.toUpperCase()}${s.family === 6 ? '/6' : ''}`,
    s.local ? hostPort(s.local) : '-',
    s.peer ? hostPort(s.peer) : '-',
    s.waiting ? `${s.state} (${s.waiting}…)` : s.state,
    queued(s),
    String(s.bytesSent),
    received(s),
  ]);
  return renderTable(['name', 'type', 'local', 'peer', 'state', 'queued', 'sent', 'received'], rows);
}

const ownedBy = (job: number | null): string => (job === null ? '' : ` (%${job})`);

function queued(s: SocketInfo): string {
  const q = s.queued;
  const n = q.count;
  const base =
    q.unit === 'bytes'
      ? `${n} B`
      : q.unit === 'datagrams'
        ? `${n} datagram${n === 1 ? '' : 's'}${n ? ` (${q.bytes} B)` : ''}`
        : `${n} to accept`;
  return s.dropped ? `${base}, ${s.dropped} dropped` : base;
}

/** Bytes received and the pieces they came in: UDP keeps datagrams whole, TCP is a stream of reads. */
function received(s: SocketInfo): string {
  if (s.arrivals === 0) return String(s.bytesReceived);
  const unit = s.transport === 'udp' ? 'datagram' : 'piece';
  return `${s.bytesReceived} in ${s.arrivals} ${unit}${s.arrivals === 1 ? '' : 's'}`;
}
