import type { TlsInfo } from '../engine/types.js';

/**
 * What tls.connect and accept say of a finished TLS handshake: what the two ends chose, the peer's
 * certificate, and whether it was verified. `trusted`: what the client checked it against.
 */
export function tlsLines(info: TlsInfo, trusted: string): string[] {
  const lines = [`TLS handshake done: ${info.version}, cipher ${info.cipher} (what both ends offered and the library chose)`];
  const c = info.peerCert;
  if (c !== null) {
    const self = c.subject === c.issuer ? ' (itself: self-signed)' : '';
    lines.push(`certificate: subject ${c.subject}; issuer ${c.issuer}${self}`);
    lines.push(`  valid from ${c.validFrom} to ${c.validTo}${c.altNames === '' ? '' : `; for ${c.altNames}`}`);
  }
  if (info.role === 'client') {
    const name = info.servername === null ? 'the address connected to' : `'${info.servername}'`;
    lines.push(
      info.unverified === null
        ? `verified: issued by an authority in ${trusted}, and valid for ${name}`
        : `NOT verified (${info.unverified}): accepted on purpose (--insecure); the bytes are encrypted, but to whoever answered`,
    );
  }
  return lines;
}
