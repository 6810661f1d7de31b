import type { Drawing, ExchangeOf } from './drawing.js';

/**
 * The rows of a connection ending: this side's FIN (close, shutdown), the other side's as the engine
 * saw it arrive, a close that reset the connection instead (bytes unread, SO_LINGER 0), a close that
 * sent nothing, and a shutdown of reading (which changes what a later recv's b'' means).
 */

export function drawFin(d: Drawing, e: ExchangeOf<'fin'>): void {
  const s = d.book.lane(e.socket, 'tcp');
  const to = d.book.destination(s, e.to, 'tcp');
  // A Unix socket sends no packets: its peer reads the end of the stream.
  const how = d.readShut.has(s.index) ? 'shutdown rdwr' : 'shutdown wr';
  const label = `${s.local?.family === 'unix' ? 'end of stream' : 'FIN'} (${e.call === 'close' ? 'close' : how})`;
  if (to === null) d.note(s.index, label);
  else d.arrow(s.index, to, label, true);
  if (e.call === 'close') s.closed = true;
}

export function drawEnded(d: Drawing, e: ExchangeOf<'ended'>): void {
  // The FIN arrived, drawn where the engine saw it. A peer in this shell drew its own when it closed.
  const s = d.book.known(e.socket.serial);
  if (s === undefined || (s.peer === null && s.unknownPeer === undefined)) return;
  const from = d.book.sender(s, s.peer);
  const end = e.end === 'stream' ? 'end of stream' : e.end === 'fin' ? 'FIN' : 'FIN or RST (the OS did not say which)';
  if (from !== null && !from.inside) {
    d.book.answered(from.lane);
    d.arrow(from.lane, s.index, end, true);
  }
}

export function drawReset(d: Drawing, e: ExchangeOf<'reset'>): void {
  const s = d.book.lane(e.socket, 'tcp');
  const to = d.book.destination(s, e.to, 'tcp');
  // A Unix socket sends no packets: the kernel marks the peer reset (it has no SO_LINGER 0 reset).
  const reset = s.local?.family === 'unix' ? 'reset' : 'RST';
  const label = e.unread > 0 ? `${reset} (close with ${e.unread} B unread)` : 'RST (close with SO_LINGER 0)';
  if (to === null) d.note(s.index, label);
  else {
    d.arrow(s.index, to, label, true);
    d.resetTo.add(to);
  }
  s.closed = true;
}

export function drawClose(d: Drawing, e: ExchangeOf<'close'>): void {
  const s = d.book.known(e.socket.serial);
  if (s === undefined) return;
  s.closed = true;
  d.note(s.index, 'close');
}

/**
 * A shutdown: one that reads no more changes what a later recv's b'' means; one that sends no FIN (the
 * FIN's arrow follows, drawFin) is a note on its lane, as no packet shows it: UDP's marks, TCP's rd.
 */
export function drawShut(d: Drawing, e: ExchangeOf<'shut'>): void {
  const s = d.book.known(e.socket.serial);
  if (s === undefined) return;
  if (e.how !== 'wr') d.readShut.add(s.index);
  if (e.fin) return;
  const refused = e.refused === null ? '' : `${e.refused} (not connected), marked all the same; `;
  const udp = e.transport === 'udp' ? `${refused === '' ? 'marked; ' : refused}UDP sends nothing` : `${refused}no packet sent`;
  d.note(s.index, `shutdown ${e.how}: ${udp}`);
}
