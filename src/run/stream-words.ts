/**
 * `sockshell connect` and `listen` name their sockets for the engine and the traffic log (client,
 * server, conn; udp and tcp in older releases), but nobody typed those names, so a message must not show them: the engine's "the
 * connection of tcp" or "a datagram udp sent there" read as the socket. Only where the engine's
 * phrasing puts a socket's name (after "of ", "datagram ", "on ", ": "…) is it replaced, never in
 * "start the server first" or a host named like one ("on server port 80").
 */
const NAMED = /(?<=(?:^|: |; | of | on | and | but |datagram ))(?:udp|tcp|client|server|conn)(?= |$)(?! port\b)/g;

/**
 * The engine's advice is written for the prompt, where the socket is there to close or to set an
 * option on; on the command line there is no socket to act on, only the command to run again. Each
 * entry replaces advice the prompt would give with what fits the command line.
 */
const COMMAND_LINE_ADVICE: readonly (readonly [RegExp, string])[] = [
  [/the connection of the socket/g, 'the connection'],
  // send and Python's send are the prompt's; here the input is sent as it is read.
  [
    /; (?:send|sendall) had sent (at least )?(\d+) bytes? of (\d+) when it stopped \(Python's \w+ does not say how many\)/,
    '; $1$2 of the last $3 bytes of input had gone out',
  ],
  [
    /^the socket was closed with (the connection that was|the \d+ connections that were) waiting for accept/,
    'the listening socket was closed once it had its client (listen serves one, as nc does; -k serves each), with $1 waiting for accept',
  ],
  [/ — close this socket(?= \(|;|$)/, ' — the connection is over; run the command again for a new one'],
  [/ — bind to '' \(every interface\) or 127\.0\.0\.1/, ' — leave HOST out (every interface), or give 127.0.0.1'],
  [
    / — set SO_BROADCAST on the socket first/,
    ' — the command line cannot set SO_BROADCAST; at the prompt: setsockopt SO_BROADCAST 1, then sendto',
  ],
];

export function streamWords(message: string): string {
  return COMMAND_LINE_ADVICE.reduce((text, [from, to]) => text.replace(from, to), message.replace(NAMED, 'the socket'));
}
