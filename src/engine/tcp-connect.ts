/**
 * connect's three-way handshake, run inside the socket's reader slot so that settimeout, maxWaitMs and
 * Ctrl-C apply to it; for a socket wrapped in TLS (wrapTls), the TLS handshake after it, inside the
 * same wait, and the check of the server's certificate. A failed, timed-out or cancelled attempt is
 * destroyed, which leaves the socket unconnected (and still bound, if it was), ready to connect again.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { tlsModule } from './tls-module.js';
import type { BaseSocket } from './base.js';
import { SocketError, errorCode, toSocketError } from './errors.js';
import { refusedHint } from './host-listeners.js';
import { Stream } from './tcp-stream.js';
import { ConnectAttempt } from './connect-attempt.js';
import { tlsOf } from './tls-info.js';
import { handshakeFailure } from './tls-reasons.js';
import { nativeError, type NativeCalls } from './native.js';
import type { Address, TlsSetup } from './types.js';
import { refuseAbstract } from './unix-path.js';

export interface Target {
  /** The resolved address to connect to. */
  readonly ip: string;
  readonly port: number;
  /** The host as the user wrote it, for messages. */
  readonly host: string;
}

/**
 * Connects owner to target (from bound, if the socket was bound); the caller has begun owner.reader.
 * fd: a descriptor made beforehand with options on it that the SYN must carry (sockopts.ts
 * beforeConnect), which Node connects; -1: Node makes one.
 */
export async function handshake(
  owner: BaseSocket,
  target: Target,
  bound: Address | null,
  setup: TlsSetup | null,
  fd = -1,
  onFailedFrom?: (local: Address) => void,
): Promise<Stream> {
  const { ip, port, host } = target;
  // The host is already an IP, so Node's autoSelectFamily (and its message-less AggregateError) stays out.
  const family = owner.family;
  if (family === 'unix') refuseAbstract(ip, 'connect');
  const options =
    family === 'unix'
      ? { path: ip, allowHalfOpen: true } // AF_UNIX: the path names the server's socket file
      : { host: ip, port, family, allowHalfOpen: true, ...(bound === null ? {} : { localAddress: bound.host, localPort: bound.port }) };
  const client = setup?.role === 'client' ? clientOptions(setup, host) : null;
  let raw: net.Socket;
  if (fd < 0) raw = client === null ? net.connect(options) : tlsModule().connect({ ...options, ...client });
  else {
    // connect at once: a socket Node was given a descriptor for starts reading it, which fails
    // (ENOTCONN) unless it is connecting by then. TLS wraps it in the same turn, before any byte.
    const plain = new net.Socket({ fd, allowHalfOpen: true }).connect(options);
    // allowHalfOpen: tls.connect passes it to the TLSSocket it makes, though its type does not list it.
    const wrap: tls.ConnectionOptions & { allowHalfOpen: boolean } = { socket: plain, allowHalfOpen: true, ...client };
    raw = client === null ? plain : tlsModule().connect(wrap);
  }
  // The port the OS bound for the attempt, which getsockname shows after a failure (connect-attempt.ts),
  // and the connection's address should the peer's reset beat Node's word that it connected.
  const attempt = family === 'unix' || client !== null ? null : new ConnectAttempt(owner.core.addon.calls, raw, family);
  let connected = false;
  let failure: unknown = null;
  const onConnect = (): void => {
    connected = true;
    owner.reader.wake();
  };
  const onError = (err: Error): void => {
    failure = err;
    owner.reader.wake();
  };
  let tcpDone = false; // TLS: the TCP handshake is over, so a failure now is the TLS handshake's
  raw.once('connect', () => (tcpDone = true));
  raw.once(setup === null ? 'connect' : 'secureConnect', onConnect);
  raw.on('error', onError); // stays attached: a late error on a dropped attempt must not crash Node
  try {
    while (!connected && failure === null) {
      await owner.reader.sleep();
      if (owner.closed) throw new SocketError('EBADF', 'connect', { socket: owner.name });
    }
    const context = { socket: owner.name, family: owner.family, transport: 'tcp' as const, host, port };
    if (failure !== null && attempt !== null && errorCode(failure) === 'ECONNRESET') {
      raw.removeListener('error', onError); // the Stream's own listens from here, as on a connect that succeeded
      return resetAtOnce(owner, raw, target, attempt.reset() ?? bound);
    }
    if (failure !== null) {
      // Refused, unreachable: TCP's own errors. Anything after the TCP handshake broke the TLS one.
      if (setup === null || !tcpDone) {
        // Refused here: what listens on this host instead, read from the kernel's table now (host-listeners.ts).
        const elsewhere = errorCode(failure) === 'ECONNREFUSED' && family !== 'unix' ? refusedHint(ip, port, family) : null;
        throw toSocketError(failure, 'connect', elsewhere === null ? context : { ...context, elsewhere });
      }
      throw new SocketError('TLS_HANDSHAKE', 'connect', { ...context, check: handshakeFailure(failure) });
    }
    if (setup?.role === 'client') verify(raw as tls.TLSSocket, setup, context);
  } catch (err) {
    tellFailed(owner, target, err, tcpDone && setup !== null ? (raw as tls.TLSSocket) : null);
    raw.destroy();
    const local = attempt?.failed(owner.timeout === null) ?? null;
    if (local !== null && bound === null && !owner.closed) onFailedFrom?.(local);
    throw err;
  }
  attempt?.done();
  // The peer as the kernel has it: a connect to the any-address (0.0.0.0, ::) reaches this host, and
  // getpeername says 127.0.0.1 (::1) there, as Python's does. AF_UNIX has no such name: the path stays.
  const peer = raw.remoteAddress === undefined ? ip : raw.remoteAddress;
  const stream = new Stream(owner, raw, { host: peer, port: raw.remotePort ?? port, family }, null);
  raw.removeListener('error', onError);
  return stream;
}

/**
 * The handshake completed, and the peer's reset came before Node's connect callback, which reads
 * SO_ERROR and reports ECONNRESET as the connect's failure (a server that accepts and aborts at once:
 * about 11 runs in 12 on loopback). Linux reports a reset in SYN_SENT as ECONNREFUSED; ECONNRESET
 * means the connection was established. Python's connect has returned by then, and its next call
 * raises the reset: so here the connection is returned, reset (the Stream's stored failure, told
 * after 'connected': StreamState.tellStored), with the address it had (local: getsockname's still).
 */
function resetAtOnce(owner: BaseSocket, raw: net.Socket, target: Target, local: Address | null): Stream {
  // A connect to the any-address reached this host: the kernel's peer is loopback, as getpeername says.
  const { ip } = target;
  const host = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
  return new Stream(owner, raw, { host, port: target.port, family: owner.family }, 'ECONNRESET', local);
}

/**
 * handshake from a descriptor bind made in the kernel (kernel-bind.ts): Node's socket is given a second
 * descriptor of it (dup) to connect, so the source port is the bound one with no moment unbound
 * (closing it for Node to bind again would let another program take the port). Connected, the first
 * descriptor is closed (Node's holds the socket) and -1 is returned for it; failed, it stays the
 * owner's, taken back to CLOSED (connect(AF_UNSPEC)) and still bound to a port the program chose, to
 * connect again, as Linux keeps it for Python.
 */
export async function handshakeBound(
  owner: BaseSocket,
  calls: NativeCalls,
  boundFd: number,
  target: Target,
  setup: TlsSetup | null,
): Promise<Stream> {
  const copy = calls.dup(boundFd);
  if (copy < 0) throw toSocketError(nativeError(calls, copy, 'connect'), 'connect', { socket: owner.name });
  try {
    const stream = await handshake(owner, target, null, setup, copy);
    // A socket closed meanwhile has closed boundFd already (its number may be another descriptor's now).
    if (!owner.closed) calls.close(boundFd, 0);
    return stream;
  } catch (err) {
    if (!owner.closed) calls.disconnect(boundFd);
    throw err;
  }
}

/**
 * Node is told not to reject, so that the certificate can be shown and the failed check named; the
 * check is made here instead, exactly as strict (Node still checks the name: authorizationError).
 * The name sent (SNI) and checked: --servername, else the host as written unless it is an address.
 */
function clientOptions(setup: Extract<TlsSetup, { role: 'client' }>, host: string): tls.ConnectionOptions {
  const servername = setup.servername ?? (net.isIP(host) === 0 ? host : null);
  return {
    rejectUnauthorized: false,
    ...(servername === null ? {} : { servername }),
    ...(setup.ca === null ? {} : { ca: setup.ca }),
  };
}

function verify(raw: tls.TLSSocket, setup: Extract<TlsSetup, { role: 'client' }>, context: { host: string; port: number }): void {
  const info = tlsOf(raw);
  if (info === null || info.unverified === null || setup.insecure) return;
  const c = info.peerCert;
  const cert = c === null ? undefined : `subject ${c.subject}, issuer ${c.issuer}, valid ${c.validFrom} to ${c.validTo}`;
  throw new SocketError('CERT_VERIFY', 'connect', {
    ...context,
    check: info.unverified,
    value: info.servername ?? context.host,
    ...(cert === undefined ? {} : { cert }),
  });
}

/**
 * The attempt failed: told as the engine event (the diagram draws it), unless the socket was closed
 * under it. secured: the TLS socket, when TCP's handshake was over and TLS's broke.
 */
function tellFailed(owner: BaseSocket, target: Target, err: unknown, secured: tls.TLSSocket | null): void {
  if (!(err instanceof SocketError) || err.code === 'EBADF') return;
  const { serial, name: socket, transport } = owner;
  const remote = { host: target.ip, port: target.port, family: owner.family };
  const tls =
    secured === null ? null : { detail: err.check ?? err.code, info: err.code === 'CERTIFICATE_VERIFY_FAILED' ? tlsOf(secured) : null };
  owner.core.emit({ kind: 'connectFailed', serial, socket, transport, remote, code: err.code, tls });
}
