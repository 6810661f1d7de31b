import type { Transport } from '../engine/types.js';
import type { ServerPort } from './program-ports.js';

/**
 * What a student is told when the server under test made the other kind of socket than the one the
 * transcript talks to it with: SOCK_STREAM where the transcript sends datagrams, SOCK_DGRAM where it
 * connects. It is the chapter's point (a UDP server and a TCP server differ in that one argument),
 * and without it the feedback said only that no reply came in --timeout, or that nothing listened
 * and the server should be started first, while it ran.
 */
export interface TransportFacts {
  /** How the transcript reached out to the program's port (SessionPorts.spokeAs). */
  readonly spokeAs: ReadonlySet<Transport>;
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
  if (udp && facts.programExit !== null && facts.programExit !== 'exit status 0' && NOT_CONNECTED.test(lastLine(facts.stderrTail)))
    return `the program stopped with "Transport endpoint is not connected": its socket is a TCP socket (SOCK_STREAM), which receives only on a connection, but the transcript sends it UDP datagrams. A UDP server makes its socket with socket(AF_INET, SOCK_DGRAM)`;
  return null;
}

/** ENOTCONN as Python says it on Linux (107) and macOS (57): a TCP socket used before it has a connection. */
const NOT_CONNECTED = /\[Errno (107|57)\]|Transport endpoint is not connected|Socket is not connected/;

function lastLine(lines: readonly string[]): string {
  return [...lines].reverse().find((l) => l.trim() !== '') ?? '';
}
