/** What accept returned, as its 'accepted' event: the listener, the new connection's serial and name, its addresses, and a TLS listener's handshake. */

import type { BaseSocket } from './base.js';
import type { EngineEvent } from './events.js';
import type { Address, SocketHandle } from './types.js';

/** conn: the accepted socket, or null if it is closed already (the listener's address stands for its local one). */
export function acceptedEvent(
  listener: BaseSocket,
  conn: BaseSocket | null,
  r: { socket: SocketHandle; address: Address | null },
): Extract<EngineEvent, { kind: 'accepted' }> {
  const local = conn?.local() ?? listener.getsockname();
  const tls = conn?.secured() ?? undefined;
  return {
    kind: 'accepted',
    serial: listener.serial,
    socket: listener.name,
    conn: r.socket.serial,
    connName: r.socket.name,
    local,
    peer: r.address,
    ...(tls && { tls }),
  };
}
