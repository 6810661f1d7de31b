/**
 * connect's three-way handshake, run inside the socket's reader slot so that settimeout, maxWaitMs and
 * Ctrl-C apply to it. A failed, timed-out or cancelled attempt is destroyed, which leaves the socket
 * unconnected (and still bound, if it was), ready to connect again.
 */
import net from 'node:net';
import type { BaseSocket } from './base.js';
import { SocketError, toSocketError } from './errors.js';
import { Stream } from './tcp-stream.js';
import type { Address } from './types.js';

export interface Target {
  /** The resolved address to connect to. */
  readonly ip: string;
  readonly port: number;
  /** The host as the user wrote it, for messages. */
  readonly host: string;
}

/** Connects owner to target (from bound, if the socket was bound); the caller has begun owner.reader. */
export async function handshake(owner: BaseSocket, target: Target, bound: Address | null): Promise<Stream> {
  const { ip, port, host } = target;
  // The host is already an IP, so Node's autoSelectFamily (and its message-less AggregateError) stays out.
  const raw = net.connect({
    host: ip,
    port,
    family: owner.family,
    allowHalfOpen: true,
    ...(bound === null ? {} : { localAddress: bound.host, localPort: bound.port }),
  });
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
  raw.once('connect', onConnect);
  raw.on('error', onError); // stays attached: a late error on a dropped attempt must not crash Node
  try {
    while (!connected && failure === null) {
      await owner.reader.sleep();
      if (owner.closed) throw new SocketError('EBADF', 'connect', { socket: owner.name });
    }
    if (failure !== null) {
      throw toSocketError(failure, 'connect', { socket: owner.name, family: owner.family, transport: 'tcp', host, port });
    }
  } catch (err) {
    raw.destroy();
    throw err;
  }
  const stream = new Stream(owner, raw, { host: ip, port, family: owner.family }, null);
  raw.removeListener('error', onError);
  return stream;
}
