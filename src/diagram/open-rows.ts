import { addressRepr } from '../lang/values.js';
import type { Drawing, ExchangeOf } from './drawing.js';
import { failedConnectRows } from './failed-connect.js';
import { tlsNote, tlsRows } from './tls-rows.js';

/**
 * The rows of a socket getting its addresses, its connection and its label: bind, listen, connect
 * (TCP's handshake, a Unix socket's join, a UDP socket's nothing), a failed connect, accept, a TLS
 * handshake a listener refused, and a new label.
 */

export function drawBind(d: Drawing, e: ExchangeOf<'bind'>): void {
  const s = d.book.lane(e.socket, e.transport);
  s.local = e.local;
  d.note(s.index, e.implicit ? `never bound: the OS picked port ${e.local.port}` : `bind ${addressRepr(e.local)}`);
}

export function drawListen(d: Drawing, e: ExchangeOf<'listen'>): void {
  const s = d.book.lane(e.socket, 'tcp', 'welcoming');
  s.local = e.local;
  d.note(s.index, 'listen: the welcoming socket');
}

export function drawConnect(d: Drawing, e: ExchangeOf<'connect'>): void {
  const { book } = d;
  const s = book.lane(e.socket, e.transport);
  s.local = e.local;
  s.peer = e.remote;
  if (e.transport === 'udp') {
    d.note(s.index, `connect ${addressRepr(e.remote)}: no packet sent`);
    return;
  }
  const server = book.welcoming(e.remote);
  if (server !== null) book.notAccepted(e.remote, e.local);
  const to = server?.index ?? book.outside(e.remote);
  book.answered(to);
  if (e.remote.family === 'unix') {
    // AF_UNIX: no packets; the kernel joins the two ends inside this host.
    d.arrow(s.index, to, 'connect: joined by the kernel (no handshake)', true);
    return;
  }
  d.arrow(s.index, to, 'SYN', true);
  d.arrow(to, s.index, 'SYN+ACK', true);
  d.arrow(s.index, to, 'ACK: connected', true);
  if (e.tls) d.rows.push(...tlsRows(s.index, to, e.tls));
}

export function drawConnectFailed(d: Drawing, e: ExchangeOf<'connectFailed'>): void {
  const { book } = d;
  const s = book.lane(e.socket, e.transport);
  const to = book.welcoming(e.remote)?.index ?? book.outside(e.remote);
  // A refused connect's RST says nothing listens there; a failed TLS handshake had a live server.
  if (e.tls !== null) book.answered(to);
  else if (e.code === 'ECONNREFUSED' && e.remote.family !== 'unix') book.refused(to, 'nothing listens there: RST');
  d.rows.push(...failedConnectRows(s.index, to, e.remote, e.code, e.tls));
}

export function drawAccept(d: Drawing, e: ExchangeOf<'accept'>): void {
  const { book } = d;
  const listener = book.lane(e.socket, 'tcp', 'welcoming');
  // Its client in this shell: its TLS handshake was drawn at connect. A client whose address is not known is not one of them.
  const drawn = e.peer !== null && book.accepted(e.conn.serial, e.peer);
  const conn = book.lane(e.conn, 'tcp', 'connection');
  conn.local = e.local;
  conn.peer = e.peer;
  if (e.peer === null) conn.unknownPeer = book.unknownClient();
  if (!drawn && e.peer?.family !== 'unix') {
    // A client outside the shell: its kernel and ours made the connection before accept
    // returned it, at a time the engine never saw, so the rows say so rather than place it.
    const from = book.sender(conn, e.peer);
    if (from !== null && !from.inside) {
      book.answered(from.lane);
      d.note(listener.index, 'handshake done by the kernel before accept (when: not known)');
      d.arrow(from.lane, listener.index, 'SYN', true);
      d.arrow(listener.index, from.lane, 'SYN+ACK (the kernel)', true);
      d.arrow(from.lane, listener.index, 'ACK: queued for accept', true);
    }
  }
  const client = e.peer === null ? `a client whose address is unknown` : addressRepr(e.peer);
  d.arrow(listener.index, conn.index, `accept: new socket for ${client}`, true);
  if (e.tls && !drawn) d.rows.push(tlsNote(conn.index, e.tls));
}

export function drawRejected(d: Drawing, e: ExchangeOf<'rejected'>): void {
  const s = d.book.lane(e.socket, 'tcp', 'welcoming');
  const from = e.from ? ` from ${addressRepr(e.from)}` : '';
  d.note(s.index, `TLS handshake${from} failed: ${e.detail}`);
}

export function drawRelabel(d: Drawing, e: ExchangeOf<'relabel'>): void {
  const s = d.book.known(e.socket.serial);
  if (s === undefined) return;
  d.note(s.index, `${s.name} now names a new socket; this one is ${e.socket.name}`);
  s.name = e.socket.name;
}
