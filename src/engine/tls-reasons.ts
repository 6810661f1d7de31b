/**
 * The TLS rows of the error table (reasons.ts spreads them in), and the words for what a failed
 * handshake or a failed certificate check means. Python raises ssl.SSLCertVerificationError for a
 * certificate it does not trust and ssl.SSLError for a handshake that broke; so do these.
 */
import type { Reason } from './reasons.js';
import { where } from './reason-words.js';

export const TLS_REASONS = {
  CERT_VERIFY: {
    code: 'CERTIFICATE_VERIFY_FAILED',
    python: 'ssl.SSLCertVerificationError',
    say: (c) =>
      `${where(c)} sent a certificate that failed verification: ${checkFailed(c.check ?? 'UNKNOWN', c.value)}${c.cert === undefined ? '' : ` [${c.cert}]`} — ${howToAccept(c.check ?? '')}`,
  },
  TLS_HANDSHAKE: {
    code: 'SSL_ERROR',
    python: 'ssl.SSLError',
    say: (c) => `the TLS handshake with ${where(c)} failed: ${c.check ?? 'the connection broke off'}`,
  },
  TLS_PEM: {
    code: 'SSL_ERROR',
    python: 'ssl.SSLError',
    say: (c) =>
      `${c.value ?? 'the PEM given'} cannot be used: ${c.check ?? 'not PEM'} — give PEM files (-----BEGIN CERTIFICATE-----), the key the certificate's own`,
  },
  EINVAL_TLS: {
    code: 'EINVAL',
    python: 'ValueError',
    say: (c) => `${c.socket ?? 'the socket'} ${c.value ?? 'cannot take TLS'}: TLS wraps a TCP socket before it connects or listens`,
  },
} as const satisfies Record<string, Reason>;

/** The check that failed, said plainly: OpenSSL's name (Node's authorizationError) with what it means. servername: the name checked. */
export function checkFailed(check: string, servername?: string): string {
  switch (check) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT): it vouches for itself, and no authority this host trusts signed it';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'its chain ends in a self-signed authority this host does not trust (SELF_SIGNED_CERT_IN_CHAIN)';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `no authority this host trusts issued it (${check})`;
    case 'CERT_HAS_EXPIRED':
      return 'it has expired (CERT_HAS_EXPIRED)';
    case 'CERT_NOT_YET_VALID':
      return 'it is not valid yet (CERT_NOT_YET_VALID): check this host clock';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `it is not for the name ${servername ?? 'asked for'} (ERR_TLS_CERT_ALTNAME_INVALID): the names it lists do not include it`;
    default:
      return `OpenSSL's check ${check} failed`;
  }
}

function howToAccept(check: string): string {
  const name = check === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'give the name it is for with --servername NAME, or ' : '';
  return `${name}trust it with --ca FILE (its certificate, or its authority's, in PEM), or accept it on purpose with --insecure (Python: check_hostname = False, verify_mode = CERT_NONE); explain CERTIFICATE_VERIFY_FAILED says more`;
}

/** What broke a TLS handshake, in words, from the error Node gave (its code, and OpenSSL's reason when it has one). */
export function handshakeFailure(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; reason?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const reason = typeof e.reason === 'string' ? e.reason : '';
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1)_ALERT_(.+)$/.exec(code);
  if (alert !== null) return `the other end refused it with the alert ${alert[1]}${ALERTS[alert[1]!] ?? ''}`;
  switch (code) {
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return `what came back is not TLS (${code}): a plain TCP server on that port?`;
    case 'ERR_SSL_HTTP_REQUEST':
      return 'the client sent a plain HTTP request, not a TLS ClientHello (ERR_SSL_HTTP_REQUEST)';
    case 'ECONNRESET':
    case 'EPIPE':
      return `the other end closed the connection before the handshake finished (${code}): it may not speak TLS, or refused our offer`;
    default:
      return reason !== '' ? `${reason}${code === '' ? '' : ` (${code})`}` : code || 'the connection broke off';
  }
}

const ALERTS: Readonly<Record<string, string>> = {
  UNKNOWN_CA: ': it does not trust the authority that issued our certificate (a self-signed one, say)',
  BAD_CERTIFICATE: ': it did not accept our certificate',
  CERTIFICATE_UNKNOWN: ': it did not accept our certificate',
  HANDSHAKE_FAILURE: ': no protocol version or cipher both ends accept',
  PROTOCOL_VERSION: ': no TLS version both ends accept',
  UNRECOGNIZED_NAME: ': it has no certificate for the name we asked for (SNI)',
};
