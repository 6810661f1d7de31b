import type { Drawing, ExchangeOf } from './drawing.js';
import { packetOfError } from './labels.js';

/** Under the lane of an address that answered a datagram with ICMP port unreachable. */
const NOTHING_BOUND_UDP = 'nothing bound there: ICMP port unreachable';

/**
 * The rows of an error that arrived between calls: the packet the peer's host sent (an RST, ICMP),
 * drawn from its lane; this side's own RST (its kernel's, or the shell's, answer to data after its
 * shutdown rd), drawn to the peer; or a note, for an error that is no one packet (a keepalive's
 * ETIMEDOUT) or a reset already drawn as the arrow of the close that sent it.
 */
export function drawFailed(d: Drawing, e: ExchangeOf<'failed'>): void {
  const { book } = d;
  const s = book.known(e.socket.serial);
  if (s === undefined) return;
  // After the reset is raised once, Linux's recv returns b'' (EPIPE is a reset after the FIN: its b'' is the FIN's).
  if (e.code === 'ECONNRESET') d.reset.add(s.index);
  if (e.ownReset !== undefined) {
    const by = e.ownReset === 'kernel' ? 'its kernel' : 'the shell';
    const to = d.resetFrom.has(s.index) ? null : book.destination(s, s.peer, 'tcp');
    if (to === null) d.note(s.index, `ECONNRESET: ${by} reset the connection (data came after shutdown rd)`);
    else {
      d.arrow(s.index, to, `RST from ${by} (data after shutdown rd)`, true);
      d.resetTo.add(to);
    }
    return;
  }
  const packet = packetOfError(s.transport, e.code, s.local?.family === 'unix');
  const from =
    packet === null ? null : icmp(e.code, s) ? { lane: book.destination(s, s.peer, 'udp'), inside: false } : book.sender(s, s.peer);
  if (packet !== null && from !== null && from.lane !== null && !(from.inside && d.resetTo.has(s.index))) {
    // ICMP port unreachable: the peer's host said nothing is bound there; a reset comes from a live peer.
    if (e.code === 'ECONNREFUSED') book.refused(from.lane, NOTHING_BOUND_UDP);
    else book.answered(from.lane);
    d.arrow(from.lane, s.index, packet, true);
    if (from.inside) d.resetFrom.add(from.lane);
  } else d.note(s.index, `${e.code} arrived`);
}

/**
 * ICMP port unreachable says nothing is bound at the peer's address: it comes from where the socket's
 * datagrams went (the destination's lane), never from a socket of this shell, not even a closed one
 * that had that address before (its lane would say the datagram reached it).
 */
function icmp(code: string, s: { readonly transport: string }): boolean {
  return code === 'ECONNREFUSED' && s.transport === 'udp';
}
