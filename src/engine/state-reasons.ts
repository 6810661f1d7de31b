/** The rows of the error table (reasons.ts spreads them in) for a call the socket's state or kind does not allow: closed, bound, not listening, not connected, its connection gone, the other transport's call. */

import type { Reason } from './reasons.js';
import { name, where } from './reason-words.js';

export const STATE_REASONS = {
  EBADF: { code: 'EBADF', python: 'OSError', say: (c) => `socket '${c.socket ?? '?'}' is closed` },
  EINVAL_BOUND: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is already bound — a socket binds once; create a new socket to bind elsewhere`,
  },
  EINVAL_NOT_LISTENING: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is not listening — a TCP server calls bind, then listen, then accept`,
  },
  EINVAL_LISTEN_CONNECTED: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${name(c)} is a connected socket and cannot listen — create a new socket for the server`,
  },
  ENOTCONN: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c, call) => `${name(c)} is not connected, so there is nothing to ${call} — connect first`,
  },
  ENOTCONN_LISTENING: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c, call) => `${name(c)} is a listening (welcoming) socket: accept a connection and ${call} on the socket accept returns`,
  },
  EPIPE_LISTENING: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c, call) =>
      `${name(c)} is a listening (welcoming) socket and sends nothing: accept a connection and ${call} on the socket accept returns`,
  },
  ENOTCONN_UDP_SHUTDOWN: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c) =>
      `UDP socket ${name(c)} is not connected, so Linux refuses shutdown (on UDP it acts on a socket connect gave a peer, and sends nothing) — yet marks it shut all the same: ${udpShutWords(c.value)}; to stop using a socket, close it`,
  },
  EPIPE_UDP_SHUT_WR: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) =>
      `${name(c)} was shut down for writing (shutdown wr or rdwr), so it sends no more datagrams; the peer was told nothing (UDP has no FIN), and recv still works`,
  },
  EOPNOTSUPP_ACCEPT_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: () => `UDP is connectionless: there is nothing to accept; use recvfrom`,
  },
  EOPNOTSUPP_LISTEN_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: () => `UDP is connectionless: there is nothing to listen for; bind, then recvfrom`,
  },
  EPIPE_SENDTO_TCP: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} is TCP and not connected: sendto is for UDP; TCP sends on a connection: connect, then send`,
  },
  EDESTADDRREQ: {
    code: 'EDESTADDRREQ',
    python: 'OSError',
    say: (c) => `${name(c)} is not connected, so send has no destination — use sendto with a destination, or connect first`,
  },
  EOPNOTSUPP_STREAM_UDP: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: (c, call) => `${name(c)} is a UDP socket; ${call} reads a TCP byte stream — recvfrom takes one whole datagram`,
  },
  EPIPE_UNCONNECTED: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} is not connected — connect first (or use sendto for UDP)`,
  },
  EISCONN: {
    code: 'EISCONN',
    python: 'OSError',
    say: (c) => `${name(c)} is already connected (or listening) — create a new socket for another connection`,
  },
  EPIPE_SHUT_WR: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} was shut down for writing (its FIN went): it sends no more; recv still works`,
  },
  EPIPE: {
    code: 'EPIPE',
    python: 'BrokenPipeError',
    say: (c) => `${name(c)} can no longer send: the connection is gone (the peer closed it)`,
  },
  ENOTCONN_RESET_AFTER_FIN: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c) =>
      `the peer closed the connection of ${name(c)} for good after its FIN and answered the data sent since with a reset (RST): that data was not read, and no FIN can be sent — close this socket`,
  },
  ENOTCONN_ENDED: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c) =>
      `the connection of ${name(c)} is over (${c.value ?? 'ended'}): the kernel has let it go and names no peer, as Python's getpeername finds; ${c.host === undefined ? "its peer's address is unknown: Node asked for it only after the reset" : `its peer was ${where(c)}`}`,
  },
  ENOTCONN_RESET: {
    code: 'ENOTCONN',
    python: 'OSError',
    say: (c) =>
      `the peer reset the connection of ${name(c)}: there is no connection left to shut down, and no FIN can be sent — close this socket`,
  },
  ECONNRESET: {
    code: 'ECONNRESET',
    python: 'ConnectionResetError',
    say: (c) =>
      `the peer reset the connection of ${name(c)} (it closed with data unread, as a crash does, or aborted with SO_LINGER 0) — close this socket`,
  },
  ECONNRESET_SHUT_RD: {
    code: 'ECONNRESET',
    python: 'ConnectionResetError',
    say: (c) =>
      `the peer sent data after ${name(c)} shut down reading (shutdown rd or rdwr), and ${name(c)}'s own kernel answered it with a reset (RST): the data was dropped and the connection is gone — close this socket`,
  },
  ECONNRESET_SHUT_RD_SHELL: {
    code: 'ECONNRESET',
    python: 'ConnectionResetError',
    say: (c) =>
      `the peer sent data after ${name(c)} shut down reading (shutdown rd or rdwr), and the shell reset the connection (RST), as Linux's kernel does for Python (without the native addon Node cannot shut down reading in the kernel, which had acknowledged the data) — close this socket`,
  },
  ECONNABORTED: {
    code: 'ECONNABORTED',
    python: 'ConnectionAbortedError',
    say: (c) => `the connection of ${name(c)} was aborted — close this socket`,
  },
} as const satisfies Record<string, Reason>;

/** What shutdown HOW (rd, wr, rdwr) leaves on a UDP socket, connected or not (Linux marks it either way). */
export function udpShutWords(how: string | undefined): string {
  const wr = 'its sends now raise BrokenPipeError';
  const rd = "a receive that would wait for ever returns b'' (what is queued, and what still arrives, comes first)";
  if (how === 'wr') return wr;
  if (how === 'rd') return rd;
  return `${wr}, and ${rd}`;
}
