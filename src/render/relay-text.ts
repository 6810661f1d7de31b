/**
 * What the relay did, in words: one note per thing worth a line (a datagram lost, duplicated or held
 * back, a new client, a failure, a connection's end), the summary `jobs` and the end of the relay
 * show, and its settings. Typed over every RelayEvent kind, so a new kind does not compile until it
 * has its words here.
 */
import type { Transport } from '../engine/types.js';
import { addressRepr, repr } from '../lang/values.js';
import type { Direction, DirectionCounts, RelayCounts, RelayEvent, RelaySpec } from '../relay/index.js';

type Note<K extends RelayEvent['kind']> = (event: Extract<RelayEvent, { kind: K }>) => string | null;

const way = (d: Direction): string => (d === 'up' ? 'to the target' : 'back to the client');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const RELAY_NOTES: { readonly [K in RelayEvent['kind']]: Note<K> } = {
  ready: () => null, // the relay command says where it listens when it starts
  data: () => null, // the traffic log's (log on, --log FILE), not a note
  passed: () => null, // the traffic log's too; a connection's end is a note (ended)
  client: (e) => `new client ${addressRepr(e.client)}, relayed to the target from ${addressRepr(e.via)}`,
  lost: (e) =>
    `lost datagram #${e.n} ${way(e.direction)}: ${plural(e.bytes, 'byte')} ${repr({ kind: 'bytes', value: e.data.subarray(0, 24) })}${e.bytes > 24 ? '…' : ''} from ${addressRepr(e.from)} (--loss)`,
  duplicated: (e) => `sent datagram #${e.n} ${way(e.direction)} twice (--duplicate)`,
  reordered: (e) => `held datagram #${e.n} ${way(e.direction)} back to go after the next one (--reorder)`,
  failed: (e) => {
    const whose = e.client ? ` (traffic of ${addressRepr(e.client)})` : '';
    return e.code === 'ECONNREFUSED' ? `ECONNREFUSED: nothing listens on the target${whose}` : `${e.code} ${way(e.direction)}${whose}`;
  },
  ended: (e) =>
    `connection from ${addressRepr(e.client)} ${e.reset ? 'reset (passed on as a reset)' : 'closed'}: ${plural(e.up, 'byte')} to the target, ${plural(e.down, 'byte')} back`,
};

export function relayNote(event: RelayEvent): string | null {
  return (RELAY_NOTES[event.kind] as Note<RelayEvent['kind']>)(event);
}

/** One line of what a relay has done so far. */
export function relaySummary(transport: Transport, c: RelayCounts): string {
  if (transport === 'tcp') {
    const failed = c.failures > 0 ? `, ${c.failures} failed` : '';
    return `${plural(c.clients, 'connection')}${failed}; ${plural(c.up.forwarded, 'byte')} to the target, ${plural(c.down.forwarded, 'byte')} back`;
  }
  const failed = c.failures > 0 ? `; ${plural(c.failures, 'failure')}` : '';
  return `to the target ${datagrams(c.up)}; back ${datagrams(c.down)}; ${plural(c.clients, 'client')}${failed}`;
}

function datagrams(d: DirectionCounts): string {
  const extra = [
    d.lost > 0 ? `${d.lost} lost` : '',
    d.duplicated > 0 ? `${d.duplicated} duplicated` : '',
    d.reordered > 0 ? `${d.reordered} reordered` : '',
    d.delayed > 0 ? `${d.delayed} delayed` : '',
  ].filter((s) => s !== '');
  return `${plural(d.arrived, 'datagram')}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** The settings, as the relay command's options spell them ('' when there are none). */
export function impairText(spec: RelaySpec): string {
  const words: string[] = [];
  if (spec.transport === 'udp') {
    const i = spec.impair;
    if (i.loss > 0) words.push(`--loss ${i.loss}`);
    if (i.delayMs > 0) words.push(`--delay ${i.delayMs}`);
    if (i.jitterMs > 0) words.push(`--jitter ${i.jitterMs}`);
    if (i.duplicate > 0) words.push(`--duplicate ${i.duplicate}`);
    if (i.reorder > 0) words.push(`--reorder ${i.reorder}`);
    if (words.length > 0) words.push(`--seed ${spec.seed}`);
  } else {
    if (spec.impair.delayMs > 0) words.push(`--delay ${spec.impair.delayMs}`);
    if (spec.impair.rate !== null) words.push(`--rate ${spec.impair.rate}`);
  }
  return words.join(' ');
}
