/** What closing a socket sends and leaves behind (a FIN or a reset, unread bytes, connections never accepted), as its 'closed' event: read before it closes. */

import type { BaseSocket } from './base.js';
import type { EngineEvent } from './events.js';

export function closedEvent(socket: BaseSocket, by: 'us' | 'owner'): Extract<EngineEvent, { kind: 'closed' }> {
  const { transport, serial } = socket;
  const local = socket.local();
  const peer = socket.peer();
  const state = socket.state();
  // Closing a connection sends FIN unless shutdown already did (or it failed: nothing is sent to a reset
  // peer), and unless bytes lie unread: then the connection's release sends a reset instead.
  // (Any state with a live connection counts for unread bytes, as the connection's release decides.)
  const live = transport === 'tcp' && peer !== null && state !== 'RESET';
  const unread = live ? socket.unread() : 0;
  // SO_LINGER 0 resets too (sent by the connection's release); the event says so beside any unread bytes.
  const linger = live && socket.lingerResets();
  const unaccepted = socket.unaccepted();
  const packets = transport === 'tcp' && socket.family !== 'unix'; // an AF_UNIX end sends no FIN
  const fin = unread === 0 && !linger && packets && peer !== null && (state === 'ESTABLISHED' || state === 'CLOSE_WAIT');
  return {
    kind: 'closed',
    serial,
    socket: socket.name,
    by,
    transport,
    local,
    peer,
    fin,
    unread,
    linger,
    unaccepted,
    owner: socket.owner,
  };
}
