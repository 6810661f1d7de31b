/** Node's net.Server, as the listeners over it use it: made for TCP or TLS, listening as a promise, and whether it is TLS's. */
import net from 'node:net';
import { tlsIfLoaded, tlsModule } from './tls-module.js';
import type { TlsSetup } from './types.js';

/**
 * A listener's server: TCP's, whose connections arrive paused and may be half-closed; or with a
 * server TlsSetup, TLS's, whose connections arrive ('secureConnection') once their handshake is done.
 */
export function makeServer(setup: TlsSetup | null): { server: net.Server; arrival: 'connection' | 'secureConnection' } {
  if (setup?.role !== 'server') return { server: net.createServer({ allowHalfOpen: true, pauseOnConnect: true }), arrival: 'connection' };
  // TLS: not half-open until the handshake is done. A client that closes during it (one that refused
  // our certificate closes so: Node's TLS client sends no alert) left a half-open socket that would
  // never finish its handshake, was never said to have failed, and kept server.close from ending.
  const server = tlsModule().createServer({ allowHalfOpen: false, cert: setup.cert, key: setup.key }).on('secureConnection', halfOpen);
  return { server, arrival: 'secureConnection' };
}

/** A TLS connection whose handshake is done may be half-closed, as Python's shutdown(SHUT_WR) leaves it (Node reads the flag at the end of the stream). */
function halfOpen(raw: net.Socket): void {
  raw.allowHalfOpen = true;
}

/** Where a server listens: an address, an AF_UNIX path, or a descriptor bound already (kernel-bind.ts). */
export type ListenAt = { host: string; port: number } | { path: string } | { fd: number };

/** server.listen, resolved when it listens, rejected with its error (EADDRINUSE...). */
export function listenOn(server: net.Server, where: ListenAt, backlog: number | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      server.removeListener('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // With fd, Node reads the backlog from the second argument only.
    if ('fd' in where) server.listen(where, backlog);
    else server.listen({ ...where, backlog });
  });
}

/** A TLS listener's server; false without looking when no TLS socket was ever made. */
export function isTlsServer(server: net.Server | null): boolean {
  const tls = tlsIfLoaded();
  return tls !== null && server instanceof tls.Server;
}
