import type { Exchange } from '../record/exchange.js';
import { drawArrived, drawCut, drawLost, drawRecv, drawSend } from './data-rows.js';
import { Drawing } from './drawing.js';
import { drawClose, drawEnded, drawFin, drawReset, drawShut } from './end-rows.js';
import { handshakesFirst } from './endpoints.js';
import { drawFailed } from './error-rows.js';
import type { LabelsNow } from './lanes.js';
import type { Ladder } from './model.js';
import { drawAccept, drawBind, drawConnect, drawConnectFailed, drawListen, drawRejected, drawRelabel } from './open-rows.js';

/** What the ladder is drawn from besides the log. */
export interface LadderContext {
  /** Calls the ring let go before the first exchange. */
  readonly dropped?: number;
  /** Of those, the addresses that are a relay of this shell's (ExchangeLog.relays): its lane is titled so, not as an outsider. */
  readonly relays?: ReadonlySet<string>;
  /** What the user called peers' addresses, by resolved host:port (ExchangeLog.names), shown under their lanes. */
  readonly names?: ReadonlyMap<string, string>;
  /** The label each open socket goes by now, by serial: lanes are titled with it (LaneBook.titled). */
  readonly labels?: LabelsNow;
}

/**
 * The ladder of a log. Arrows are what went over the network: a socket's send calls, the arrivals
 * from a peer outside the shell (what arrived, in the pieces it arrived in, whatever recv asked for),
 * handshakes, FINs where the engine saw them arrive, resets and ICMP errors from the peer. Calls that
 * move nothing over the network (recv, bind, close) are notes on the socket's lane. Each kind of
 * entry has its drawer, in the file for its job.
 */
export function buildLadder(exchanges: readonly Exchange[], context: LadderContext = {}): Ladder {
  const d = new Drawing();
  for (const e of handshakesFirst(exchanges)) draw(d, e);
  return {
    lanes: d.book.titled(context.labels ?? new Map(), context.names ?? new Map(), context.relays),
    rows: d.rows,
    dropped: context.dropped ?? 0,
  };
}

function draw(d: Drawing, e: Exchange): void {
  switch (e.kind) {
    case 'bind':
      return drawBind(d, e);
    case 'listen':
      return drawListen(d, e);
    case 'connect':
      return drawConnect(d, e);
    case 'connectFailed':
      return drawConnectFailed(d, e);
    case 'accept':
      return drawAccept(d, e);
    case 'rejected':
      return drawRejected(d, e);
    case 'relabel':
      return drawRelabel(d, e);
    case 'send':
      return drawSend(d, e);
    case 'arrived':
      return drawArrived(d, e);
    case 'recv':
      return drawRecv(d, e);
    case 'cut':
      return drawCut(d, e);
    case 'lost':
      return drawLost(d, e);
    case 'fin':
      return drawFin(d, e);
    case 'ended':
      return drawEnded(d, e);
    case 'reset':
      return drawReset(d, e);
    case 'close':
      return drawClose(d, e);
    case 'shut':
      return drawShut(d, e);
    case 'failed':
      return drawFailed(d, e);
    default: {
      const exhaustive: never = e;
      return exhaustive;
    }
  }
}
