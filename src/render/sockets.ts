import type { SocketHandle, SocketInfo } from '../engine/types.js';
import { hostPort } from '../lang/values.js';
import { renderTable } from './table.js';
import { wrapWords } from './wrap.js';

/** A socket's row: its info, and for UDP what the kernel dropped for it (Engine.kernelDropped), when known. */
export type SocketRow = SocketInfo & { readonly kernelDropped?: number | null };

/**
 * The `sockets` table: one row per open socket; `*` marks the current one, and `(%1)` one that a
 * background job's script opened or serves (its name is the shell's, made unique beside the prompt's).
 */
export function socketsTable(
  sockets: readonly SocketRow[],
  current: SocketHandle | null,
  jobOf: (socket: SocketInfo) => number | null,
  terminalColumns?: number,
): string {
  if (sockets.length === 0) return 'no open sockets: create one with udp.socket, tcp.socket, udp.bind, tcp.listen or tcp.connect';
  const rows = sockets.map((s) => ({
    name: (s.serial === current?.serial ? '* ' : '') + s.name + ownedBy(jobOf(s)),
    type: s.family === 'unix' ? 'UNIX' : `${s.transport.toUpperCase()}${s.family === 6 ? '/6' : ''}${s.tls || s.wrapped ? '+TLS' : ''}`,
    local: s.local ? hostPort(s.local) : '-',
    peer: s.peer ? hostPort(s.peer) : unknownPeer(s) ? 'unknown' : '-',
    state: `${s.state}${shutWords(s)}${s.waiting ? ` (${s.waiting}…)` : ''}`,
    queued: queued(s),
    sent: String(s.bytesSent),
    received: received(s),
    counts: `queued ${queued(s)}, sent ${s.bytesSent} B, received ${received(s, ' B')}`,
  }));
  const boxed = renderTable(
    ['name', 'type', 'local', 'peer', 'state', 'queued', 'sent', 'received'],
    rows.map((r) => [r.name, r.type, r.local, r.peer, r.state, r.queued, r.sent, r.received]),
  );
  // One short of the width: a line that fills the last column makes some terminals add a blank line.
  const columns = terminalColumns === undefined || terminalColumns <= 0 ? undefined : terminalColumns - 1;
  if (columns === undefined || boxed.split('\n')[0]!.length <= columns) return boxed;
  return compact(rows, columns);
}

type Row = Readonly<Record<'name' | 'type' | 'local' | 'peer' | 'state' | 'counts', string>>;

/**
 * The table for a narrow terminal (80 columns): no borders, and each socket's counts on a second
 * line under its state, so three TCP sockets with their addresses fit without wrapping.
 */
function compact(rows: readonly Row[], columns: number): string {
  const keys = ['name', 'type', 'state', 'local', 'peer'] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(k.length, ...rows.map((r) => r[k].length))])) as Record<
    (typeof keys)[number],
    number
  >;
  const line = (cells: Readonly<Record<(typeof keys)[number], string>>) =>
    keys
      .map((k) => cells[k].padEnd(width[k]))
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat(width.name + width.type + 4);
  const out = [line({ name: 'name', type: 'type', state: 'state', local: 'local', peer: 'peer' })];
  for (const r of rows) {
    out.push(line(r));
    out.push(...wrapWords(r.counts, columns, indent, indent));
  }
  return out.join('\n');
}

/** A connection with no address for its peer: one accept took from a client whose address is not known (engine: Accepted.from). */
const unknownPeer = (s: SocketInfo): boolean =>
  s.transport === 'tcp' &&
  s.family !== 'unix' &&
  s.state !== 'UNBOUND' &&
  s.state !== 'BOUND' &&
  s.state !== 'LISTEN' &&
  s.state !== 'SYN_SENT';

/**
 * What shutdown shut, in shutdown's own words, beside a state that does not say it (ss -e's <-- --> ---):
 * every mark of a UDP socket (no packet tells its peer); a TCP connection's rd alone (FIN_WAIT and
 * SHUT_DOWN say wr's FIN already).
 */
function shutWords(s: SocketInfo): string {
  const { rd, wr } = s.shut;
  if (s.transport === 'tcp') return rd && !wr && s.state !== 'RESET' ? ' (shut rd)' : '';
  return rd && wr ? ' (shut rdwr)' : rd ? ' (shut rd)' : wr ? ' (shut wr)' : '';
}

const ownedBy = (job: number | null): string => (job === null ? '' : ` (%${job})`);

/** What waits, then what was lost, each said as what it is: the shell's own queue's drops, the kernel's. */
function queued(s: SocketRow): string {
  const q = s.queued;
  const n = q.count;
  const base =
    q.unit === 'bytes'
      ? `${n} B`
      : q.unit === 'datagrams'
        ? `${n} datagram${n === 1 ? '' : 's'}${n ? ` (${q.bytes} B)` : ''}`
        : `${n} to accept${q.kernelWouldHold !== undefined && n > q.kernelWouldHold ? ` (Node took them at once; Python's kernel would hold ${q.kernelWouldHold})` : ''}`;
  if (q.unit === 'connections') return s.dropped ? `${base}, ${s.dropped} dropped` : base;
  const lost: string[] = [];
  if (s.dropped) lost.push(`${s.dropped} by the shell's queue`);
  if (s.kernelDropped) lost.push(`${s.kernelDropped} by the kernel`);
  return lost.length === 0 ? base : `${base}; dropped: ${lost.join(', ')}`;
}

/** Bytes received and the pieces they came in: UDP keeps datagrams whole, TCP is a stream of reads. */
function received(s: SocketInfo, bytes = ''): string {
  if (s.arrivals === 0) return `${s.bytesReceived}${bytes}`;
  const unit = s.transport === 'udp' ? 'datagram' : 'piece';
  return `${s.bytesReceived}${bytes} in ${s.arrivals} ${unit}${s.arrivals === 1 ? '' : 's'}`;
}
