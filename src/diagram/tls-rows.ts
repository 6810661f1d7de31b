import type { TlsInfo } from '../engine/types.js';
import type { Row } from './model.js';

/**
 * The TLS handshake after TCP's, as the ladder draws it: the flights of records each side sends,
 * which TLS 1.3 makes one round trip and TLS 1.2 two, labelled with what they settled. Only what the
 * handshake is known to have done is drawn: the certificate the server showed, the version and the
 * cipher both ends chose, and a check the client let pass on purpose (--insecure).
 */
export function tlsRows(client: number, server: number, tls: TlsInfo): Row[] {
  const cert = tls.role === 'client' && tls.peerCert !== null ? ` (${tls.peerCert.subject})` : '';
  const settled = `${tls.version}, ${tls.cipher}`;
  const arrow = (from: number, to: number, label: string): Row => ({ kind: 'arrow', from, to, label, control: true });
  const rows =
    tls.version === 'TLSv1.3'
      ? [
          arrow(client, server, 'TLS ClientHello'),
          arrow(server, client, `TLS ServerHello, certificate${cert}, Finished`),
          arrow(client, server, `TLS Finished: ${settled}`),
        ]
      : [
          arrow(client, server, 'TLS ClientHello'),
          arrow(server, client, `TLS ServerHello, certificate${cert}, ServerHelloDone`),
          arrow(client, server, 'TLS key exchange, ChangeCipherSpec, Finished'),
          arrow(server, client, `TLS ChangeCipherSpec, Finished: ${settled}`),
        ];
  if (tls.unverified !== null)
    rows.push({ kind: 'note', lane: client, text: `certificate not verified (${tls.unverified}): accepted on purpose` });
  return rows;
}

/** A connection whose TLS handshake the ladder did not draw (its client is outside the shell): one note at accept. */
export function tlsNote(lane: number, tls: TlsInfo): Row {
  return { kind: 'note', lane, text: `TLS handshake done before accept: ${tls.version}, ${tls.cipher}` };
}
