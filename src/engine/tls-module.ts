/**
 * node:tls, loaded when a TLS socket is first made: loading it (and node:crypto with it) was ~8% of the
 * CPU of `sockshell run` starting an empty script (--cpu-prof), and most scripts never use TLS.
 */
import { createRequire } from 'node:module';
import type tls from 'node:tls';

let loaded: typeof tls | null = null;

export function tlsModule(): typeof tls {
  return (loaded ??= createRequire(import.meta.url)('node:tls') as typeof tls);
}

/** node:tls when a TLS socket was made already, else null: before that, no socket is a TLSSocket. */
export function tlsIfLoaded(): typeof tls | null {
  return loaded;
}
