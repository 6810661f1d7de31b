/**
 * A TlsSetup is checked when a socket is wrapped, as Python's load_cert_chain and
 * load_verify_locations fail at once, so a bad file is said before any connection is made.
 */
import { tlsModule } from './tls-module.js';
import { SocketError } from './errors.js';
import type { TlsSetup } from './types.js';

/** Throws SocketError TLS_PEM when the PEM given cannot be used (not PEM, a key that is not the certificate's). */
export function checkSetup(setup: TlsSetup, socket: string): void {
  try {
    if (setup.role === 'server') tlsModule().createSecureContext({ cert: setup.cert, key: setup.key });
    else if (setup.ca !== null) tlsModule().createSecureContext({ ca: setup.ca });
  } catch (err) {
    const e = err as { code?: unknown; reason?: unknown; message?: unknown };
    const why = typeof e.reason === 'string' ? e.reason : typeof e.message === 'string' ? e.message : 'not usable';
    const what = setup.role === 'server' ? 'the certificate and key' : 'the --ca certificates';
    throw new SocketError('TLS_PEM', 'wrapTls', {
      socket,
      value: what,
      check: `${why}${typeof e.code === 'string' ? ` (${e.code})` : ''}`,
    });
  }
}
