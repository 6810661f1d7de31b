/**
 * What a finished TLS handshake settled, read from Node's TLSSocket once and kept: the peer's
 * certificate is no longer there to ask once the connection has closed, and `sockets` asks later.
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { tlsIfLoaded } from './tls-module.js';
import type { Socket as NetSocket } from 'node:net';
import type { CertSummary, TlsInfo } from './types.js';

const settled = new WeakMap<NetSocket, TlsInfo>();

/** The handshake of a TLS connection (null for plain TCP), read when it finished: call it at 'secureConnect' / 'secureConnection'. */
export function tlsOf(raw: NetSocket): TlsInfo | null {
  if (!isTls(raw)) return null;
  let info = settled.get(raw);
  if (info === undefined) {
    info = describe(raw);
    settled.set(raw, info);
  }
  return info;
}

/** True for a TLS connection: its descriptor carries ciphertext, so nothing may read or write it beside Node's TLS layer. */
export function isTls(raw: NetSocket): raw is TLSSocket {
  const tls = tlsIfLoaded();
  return tls !== null && raw instanceof tls.TLSSocket;
}

function describe(raw: TLSSocket): TlsInfo {
  const cipher = raw.getCipher() as { standardName?: string; name?: string } | null;
  const cert = raw.getPeerCertificate();
  const servername = (raw as { servername?: unknown }).servername;
  const unverified = raw.authorized ? null : errorName(raw.authorizationError);
  // Node's own flag, undocumented: a TLSSocket a tls.Server made is the server end.
  const isServer = (raw as unknown as { _tlsOptions?: { isServer?: boolean } })._tlsOptions?.isServer === true;
  return {
    role: isServer ? 'server' : 'client',
    version: raw.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    peerCert: summary(cert),
    servername: typeof servername === 'string' && servername !== '' ? servername : null,
    // A server that did not ask for a client certificate has nothing to verify: not a failed check.
    unverified: isServer ? null : unverified,
  };
}

/** Node types authorizationError as an Error, but sets OpenSSL's code (a string) or an Error with one. */
function errorName(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return 'UNKNOWN';
}

/** An empty object (no certificate) gives null. */
function summary(cert: PeerCertificate | Record<string, never>): CertSummary | null {
  if (!('subject' in cert) || cert.subject === undefined) return null;
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    altNames: cert.subjectaltname ?? '',
    fingerprint256: cert.fingerprint256,
  };
}

/** { C: 'US', O: 'Acme', CN: 'example.com' } → 'C=US, O=Acme, CN=example.com' (a field given twice: each value). */
function oneLine(name: Readonly<Record<string, string | string[] | undefined>> | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`)))
    .join(', ');
}
