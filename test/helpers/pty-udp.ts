import { createSocket, type Socket } from 'node:dgram';
import { atTerminal, type Terminal } from './terminal.js';
import { render } from './vt.js';
import { waitFor } from './wait.js';

/** The REPL at a 100-column pty, a UDP socket u bound on loopback, and a peer to send it datagrams. */
export interface UdpAtPrompt {
  readonly t: Terminal;
  /** The screen's non-empty rows. */
  readonly rows: () => string[];
  /** Waits (bounded) until the rows, joined by new lines, match. */
  readonly shows: (pattern: RegExp, what: string) => Promise<void>;
  readonly port: number;
  readonly peer: Socket;
  /** Ends the peer and the shell (by its PID, if it still runs). */
  readonly end: () => void;
}

/** Starts the shell at TERM=term, binds u and leaves `u.recvfrom 100` waiting. */
export async function udpRecvfromWaiting(term: string): Promise<UdpAtPrompt> {
  const t = atTerminal('', { TERM: term }, { size: { columns: 100, rows: 40 } });
  const rows = () => render(t.screen(), 100).filter((r) => r !== '');
  const shows = (pattern: RegExp, what: string) =>
    waitFor(
      () => pattern.test(rows().join('\n')),
      () => `${what}; screen:\n${rows().join('\n')}`,
    );
  const peer = createSocket('udp4');
  const end = () => {
    peer.close();
    t.kill();
  };
  try {
    await shows(/sockshell>$/, 'first prompt');
    t.child.stdin.write('u = udp.bind 127.0.0.1 0\r');
    await shows(/# u bound to \('127\.0\.0\.1', \d+\)[^]*\nsockshell u>$/, 'u bound');
    const port = Number(/# u bound to \('127\.0\.0\.1', (\d+)\)/.exec(rows().join('\n'))![1]);
    t.child.stdin.write('u.recvfrom 100\r');
    await shows(/is waiting for a datagram[^\n]*$/, 'recvfrom waiting');
    return { t, rows, shows, port, peer, end };
  } catch (e) {
    end();
    throw e;
  }
}
