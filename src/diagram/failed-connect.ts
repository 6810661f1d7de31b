import type { Address, TlsInfo } from '../engine/types.js';
import type { Row } from './model.js';
import { tlsRows } from './tls-rows.js';

/**
 * A connect that failed, as the ladder draws it: the SYN and what answered it (a reset from a port
 * nothing listens on; nothing, for one that timed out), or TCP's whole handshake and TLS's as far as
 * it went. When the client refused the server's certificate, the server's flight is drawn with the
 * certificate it showed, then the refusal: Node's TLS client checks the certificate after its
 * handshake and closes, with no TLS alert (Python's client sends one: unknown_ca, bad_certificate).
 */
export function failedConnectRows(
  client: number,
  server: number,
  remote: Address,
  code: string,
  tls: { readonly detail: string; readonly info: TlsInfo | null } | null,
): Row[] {
  const arrow = (from: number, to: number, label: string): Row => ({ kind: 'arrow', from, to, label, control: true });
  const note = (text: string): Row => ({ kind: 'note', lane: client, text });
  if (remote.family === 'unix') return [note(`connect failed: ${code}`)]; // no packets: the kernel said so at once
  if (tls === null) {
    const syn = arrow(client, server, 'SYN');
    if (code === 'ECONNREFUSED') return [syn, arrow(server, client, 'RST: nothing listens there (ECONNREFUSED)')];
    return [syn, note(code === 'ETIMEDOUT' ? 'connect: no answer (ETIMEDOUT)' : `connect failed: ${code}`)];
  }
  const rows = [arrow(client, server, 'SYN'), arrow(server, client, 'SYN+ACK'), arrow(client, server, 'ACK: connected')];
  if (tls.info === null) return [...rows, arrow(client, server, 'TLS ClientHello'), note(`TLS handshake failed: ${tls.detail}; closed`)];
  return [
    ...rows,
    ...tlsRows(client, server, { ...tls.info, unverified: null }).slice(0, 2), // ClientHello, and the server's flight with its certificate
    note(`certificate refused (${tls.detail}): closed, with no TLS alert (Node's TLS client cannot send one; Python's does)`),
  ];
}
