/**
 * `sockshell connect` and `listen` name their sockets for the engine and the traffic log (udp, tcp,
 * server, conn), but nobody typed those names, so a message must not show them: the engine's "the
 * connection of tcp" or "a datagram udp sent there" read as the socket. Only where the engine's
 * phrasing puts a socket's name (after "of ", "datagram ", "on ", ": "…) is it replaced, never in
 * "start the server first" or a host named like one ("on server port 80").
 */
const NAMED = /(?<=(?:^|: |; | of | on | and | but |datagram ))(?:udp|tcp|server|conn)(?= |$)(?! port\b)/g;

export function streamWords(message: string): string {
  return message.replace(NAMED, 'the socket');
}
