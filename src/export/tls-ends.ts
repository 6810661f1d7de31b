import type { Stmt } from '../lang/ast.js';
import { statements } from '../lang/statements.js';

/**
 * Whether a program has both ends of a TLS connection: a TLS listening socket and a TLS client
 * (tls.listen and tls.connect anywhere in it, blocks included). Its export then needs the helpers
 * tls_connect and tls_accept: the shell's server finishes each handshake before accept, as Node
 * does, where a Python server does it in accept, so one Python thread running the client's connect
 * first would wait for ever (PyContext.tlsBothEnds).
 */
export function hasBothTlsEnds(program: readonly Stmt[]): boolean {
  const names = new Set(statements(program).flatMap((s) => (s.kind === 'command' ? [s.call.name] : [])));
  return names.has('tls.listen') && names.has('tls.connect');
}
