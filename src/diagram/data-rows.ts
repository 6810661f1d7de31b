import { addressRepr } from '../lang/values.js';
import type { Drawing, ExchangeOf } from './drawing.js';
import { arrival, payload } from './labels.js';

/**
 * The rows of data: a send is an arrow to the lane it reaches (a stream's send of 0 bytes, which
 * sends nothing, is a note); what arrived from a peer outside the shell is an arrow from its lane, in
 * the pieces it arrived in; what a receive call returned is a note; a datagram cut to BUFSIZE and one
 * a relay lost on purpose are notes too.
 */

export function drawSend(d: Drawing, e: ExchangeOf<'send'>): void {
  const s = d.book.lane(e.socket, e.transport);
  if (e.local && !s.local && e.transport === 'udp') d.note(s.index, `never bound: the OS picked port ${e.local.port}`);
  if (e.local) s.local = e.local;
  const label = `${e.call} ${e.file === null ? payload(e.bytes, e.preview) : `${e.bytes} B of ${e.file}`}`;
  if (e.transport === 'tcp' && e.bytes === 0) {
    // A stream has no empty message: send(b'') returns 0 and puts nothing on the wire (an empty datagram does go).
    const why = s.local?.family === 'unix' ? 'a stream has no empty message' : 'TCP sends no segment for 0 bytes';
    d.note(s.index, `${label}: nothing sent (${why})`);
    return;
  }
  const to = d.book.destination(s, e.to, e.transport);
  if (to === null) d.note(s.index, label);
  else {
    d.arrow(s.index, to, label, false);
    if (e.transport === 'tcp') d.inFlight.sent(to, e.bytes);
  }
}

export function drawArrived(d: Drawing, e: ExchangeOf<'arrived'>): void {
  // An outside peer's data is drawn as it arrived; a socket of this shell drew its sends.
  const s = d.book.lane(e.socket, e.transport);
  const from = d.book.sender(s, e.from);
  if (from === null) return;
  if (!from.inside) {
    d.book.answered(from.lane);
    d.arrow(from.lane, s.index, arrival(e.transport, e.bytes, e.pieces, e.preview), false);
  } else if (e.transport === 'tcp') {
    const sends = d.inFlight.arrived(s.index, e.bytes, e.pieces);
    if (!sends.whole) d.readNote(s.index, e.bytes, e.pieces, sends);
  }
}

export function drawRecv(d: Drawing, e: ExchangeOf<'recv'>): void {
  // What the call returned: a note, as every call that sends nothing is. Its bytes were drawn as they arrived.
  const s = d.book.lane(e.socket, e.transport);
  if (e.local) s.local = e.local;
  const what =
    e.file !== null
      ? `${e.bytes} B into ${e.file}`
      : e.bytes === 0 && e.transport === 'tcp'
        ? d.readShut.has(s.index)
          ? "b'' (shut down for reading)"
          : d.reset.has(s.index)
            ? "b'' (the connection was reset)"
            : "b'' (the peer closed)"
        : payload(e.bytes, e.preview);
  d.note(s.index, `${e.call} → ${what}${e.call === 'recvfrom' && e.from ? ` from ${addressRepr(e.from)}` : ''}`);
}

export function drawCut(d: Drawing, e: ExchangeOf<'cut'>): void {
  const s = d.book.lane(e.socket, 'udp');
  d.note(s.index, `a ${e.size} B datagram cut to BUFSIZE ${e.bufsize}`);
}

export function drawLost(d: Drawing, e: ExchangeOf<'lost'>): void {
  // The datagram's arrow ends at the relay's lane (the sender's send drew it); it goes no further.
  d.note(d.book.outside(e.at), `lost: ${payload(e.bytes, e.preview)}`);
}
