/**
 * The traffic log's text, as socat -v -x shows a relay: one header line per entry (direction, time,
 * socket, addresses, length), then the bytes. In hex form the bytes are a hex dump, exact wherever it
 * is written and safe on a terminal; in text form the file gets the bytes themselves and the screen a
 * terminal-safe rendering of them.
 */
import { hostPort } from '../lang/values.js';
import type { TrafficEntry, TrafficForm } from '../record/traffic.js';
import { hexdump } from './hexdump.js';
import { terminalSafe } from './terminal.js';

/** The header line: `> 2026-12-04T21:54:12.123Z c 127.0.0.1:41326 > 127.0.0.1:15997 TCP 5 bytes`. */
export function trafficHeader(e: TrafficEntry): string {
  const time = e.at.toISOString();
  if (e.kind === 'mark') return `${e.direction} ${time} ${e.socket} ${e.text}`;
  const local = e.local ? hostPort(e.local) : '?';
  const peer = e.peer ? hostPort(e.peer) : '?';
  const route = e.direction === '>' ? `${local} > ${peer}` : `${local} < ${peer}`;
  const length = `${e.bytes} byte${e.bytes === 1 ? '' : 's'}`;
  return `${e.direction} ${time} ${e.socket} ${route} ${e.transport.toUpperCase()} ${length}${e.file ? ` ${e.direction === '>' ? 'from' : 'into'} ${e.file}` : ''}${e.note === undefined ? '' : ` ${e.note}`}`;
}

/** For a file: the header, then the bytes as a hex dump (hex) or exactly as they went (text), then a newline. */
export function trafficForFile(e: TrafficEntry, form: TrafficForm): Buffer {
  const head = Buffer.from(trafficHeader(e) + '\n');
  if (e.kind === 'mark' || e.data.length === 0) return head;
  if (form === 'hex') return Buffer.concat([head, Buffer.from(indent(hexdump(e.data)) + '\n')]);
  return Buffer.concat([head, e.data, Buffer.from('\n')]);
}

/** For a screen: the same, every line terminal-safe (text form escapes control bytes, as print does). */
export function trafficForScreen(e: TrafficEntry, form: TrafficForm): string {
  const head = terminalSafe(Buffer.from(trafficHeader(e)));
  if (e.kind === 'mark' || e.data.length === 0) return head;
  const body = form === 'hex' ? hexdump(e.data) : terminalSafe(e.data).replace(/\n$/, '');
  return `${head}\n${indent(body)}`;
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
