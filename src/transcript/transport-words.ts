import type { Transport } from '../engine/types.js';
import type { ServerPort } from './program-ports.js';

/**
 * What a student is told when the program under test made the other kind of socket than the one the
 * transcript talks to it with (SOCK_STREAM where the transcript sends datagrams, SOCK_DGRAM where it
 * connects; a TCP client where the transcript's server is UDP), or used its UDP socket as if it had a
 * connection (send() with no address). It is the chapter's point (UDP is connectionless; a UDP
 * program and a TCP one differ in that one argument), and without it the feedback said only that no
 * reply came in --timeout, that the server should be started first while it ran, or asked a client
 * whether it read its port from its arguments, which it did.
 */
export interface TransportFacts {
  /** How the transcript reached out to the program's port (SessionPorts.spokeAs). */
  readonly spokeAs: ReadonlySet<Transport>;
  /** How the transcript's own sockets served the program's port, for a client (SessionPorts.servedAs). */
  readonly served: ReadonlySet<Transport>;
  /** The server ports the program held when the transcript failed (holdings), or null when unknown or it had ended. */
  readonly held: readonly ServerPort[] | null;
  /** The program's port in this run (what `held` holds it as), and as the transcript wrote it (what the student reads). */
  readonly port: number;
  readonly shownPort: number;
  readonly programExit: string | null;
  readonly stderrTail: readonly string[];
}

/** The line that says so, or null when the program's socket is of the kind the transcript used (or it cannot be told). */
export function wrongTransportWords(facts: TransportFacts): string | null {
  const { spokeAs, held, port, shownPort } = facts;
  const last = crashed(facts.programExit) ? lastLine(facts.stderrTail) : '';
  if (NO_ADDRESS.test(last)) return noAddressWords(facts);
  // Only a TCP connect is refused (a UDP connect sends nothing): a client of the wrong transport.
  if (REFUSED.test(last) && facts.served.has('udp') && !facts.served.has('tcp'))
    return `the program's connect() was refused: it made a TCP socket (SOCK_STREAM), but the transcript's server on port ${shownPort} is a UDP socket (SOCK_DGRAM), and nothing listens for TCP connections there. A UDP client makes its socket with socket(AF_INET, SOCK_DGRAM) and sends with sendto(), with no connect()`;
  const udp = spokeAs.has('udp');
  const tcp = spokeAs.has('tcp');
  if (udp === tcp) return null; // neither, or both: nothing one kind of socket explains
  const onPort = (held ?? []).filter((p) => p.port === port).map((p) => p.transport);
  if (udp && onPort.includes('TCP') && !onPort.includes('UDP'))
    return `the program's socket on port ${shownPort} is a TCP socket (SOCK_STREAM), listening for connections, but the transcript sends it UDP datagrams: no UDP socket is bound to that port, so they reach nothing. A UDP server makes its socket with socket(AF_INET, SOCK_DGRAM)`;
  if (tcp && onPort.includes('UDP') && !onPort.includes('TCP'))
    return `the program's socket on port ${shownPort} is a UDP socket (SOCK_DGRAM), but the transcript connects to it over TCP: no TCP socket listens on that port, so the connection is refused. A TCP server makes its socket with socket(AF_INET, SOCK_STREAM), then binds it and calls listen()`;
  // A SOCK_STREAM socket that was never connected fails recvfrom (and recv) at once: the program ended
  // before anything could be seen holding the port, but its traceback says what its socket was.
  if (udp && NOT_CONNECTED.test(last))
    return `the program stopped with "Transport endpoint is not connected": its socket is a TCP socket (SOCK_STREAM), which receives only on a connection, but the transcript sends it UDP datagrams. A UDP server makes its socket with socket(AF_INET, SOCK_DGRAM)`;
  return null;
}

/**
 * send() on a UDP socket that has no default peer: the textbook's server replies with sendto() to the
 * address recvfrom returned, its client names the server in every sendto(). Which of the two the
 * program is comes from the transcript: it sent to the program (a server) or served it (a client).
 */
function noAddressWords(facts: TransportFacts): string {
  const call = facts.stderrTail.map((l) => SEND_CALL.exec(l)?.[1]).find((c) => c !== undefined) ?? 'send';
  const said = `the program stopped at ${call}() with "Destination address required": UDP is connectionless, so a UDP socket has no peer to send to, and ${call}() names none`;
  if (facts.spokeAs.has('udp'))
    return `${said}; a UDP server learns each client's address from recvfrom (message, clientAddress = serverSocket.recvfrom(2048)) and replies to it with serverSocket.sendto(modifiedMessage.encode(), clientAddress)`;
  if (facts.served.has('udp'))
    return `${said}; a UDP client names the server in every datagram: clientSocket.sendto(message.encode(), (serverName, serverPort))`;
  return `${said}: sendto(data, address) names it`;
}

/** EDESTADDRREQ as Python says it on Linux (89) and macOS (39). */
const NO_ADDRESS = /\[Errno (89|39)\]|Destination address required/;

/** ECONNREFUSED as Python says it on Linux (111) and macOS (61). */
const REFUSED = /^ConnectionRefusedError\b|\[Errno (111|61)\] Connection refused/;

/** The send in a traceback's code line: `serverSocket.send(modifiedMessage.encode())`. */
const SEND_CALL = /\.(send|sendall)\(/;

function crashed(programExit: string | null): boolean {
  return programExit !== null && programExit !== 'exit status 0';
}

/** ENOTCONN as Python says it on Linux (107) and macOS (57): a TCP socket used before it has a connection. */
const NOT_CONNECTED = /\[Errno (107|57)\]|Transport endpoint is not connected|Socket is not connected/;

function lastLine(lines: readonly string[]): string {
  return [...lines].reverse().find((l) => l.trim() !== '') ?? '';
}
