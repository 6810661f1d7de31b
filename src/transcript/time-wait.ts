import { readFileSync } from 'node:fs';

/**
 * What holds a TCP port, from Linux's /proc/net/tcp and tcp6: enough to tell a leftover server
 * from connections in TIME_WAIT. The side that closes a connection first keeps it in TIME_WAIT
 * for 60 s; the textbook's TCPServer closes each connection first, so after it is stopped its port
 * is held by them, and binding it fails with EADDRINUSE until they end, unless both the server that
 * made them and the one binding set SO_REUSEADDR (Linux keeps the old socket's flag with it).
 */

export interface PortHolders {
  /** Sockets on this local port in TIME_WAIT. */
  readonly timeWait: number;
  /** Any other TCP socket on this local port (listening, connected, closing). */
  readonly other: number;
  /** Milliseconds until the last TIME_WAIT socket ends. */
  readonly lastEndsInMs: number;
}

const TIME_WAIT = '06';
/** The kernel writes timers in USER_HZ ticks, 100 a second on Linux. */
const TICKS_PER_SECOND = 100;

/** The TCP sockets bound to local port `port`; null where there is no /proc/net/tcp (not Linux). */
export function tcpHolders(port: number): PortHolders | null {
  const tables: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      tables.push(readFileSync(file, 'utf8'));
    } catch {
      // no IPv6, or not Linux
    }
  }
  if (tables.length === 0) return null;
  let timeWait = 0;
  let other = 0;
  let lastEndsInMs = 0;
  for (const row of tables.flatMap((t) => t.split('\n').slice(1))) {
    // "sl local_address rem_address st tx:rx tr:when …", addresses as HEXIP:HEXPORT.
    const [, local, , state, , timer] = row.trim().split(/\s+/);
    if (!local || Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
    if (state !== TIME_WAIT) {
      other++;
      continue;
    }
    timeWait++;
    const ticks = Number.parseInt(timer?.split(':')[1] ?? '0', 16);
    lastEndsInMs = Math.max(lastEndsInMs, Math.ceil((ticks * 1000) / TICKS_PER_SECOND));
  }
  return { timeWait, other, lastEndsInMs };
}

/**
 * Lines that explain a failure to bind `port` when only TIME_WAIT connections hold it, and say what
 * to do; null when something else holds it (or nothing, or this is not Linux). `command` is the
 * --with program, for an example that gives it a fresh port.
 */
export function timeWaitExplanation(port: number, command: string): string[] | null {
  const holders = tcpHolders(port);
  if (!holders || holders.timeWait === 0 || holders.other > 0) return null;
  const seconds = Math.max(1, Math.ceil(holders.lastEndsInMs / 1000));
  const n = holders.timeWait;
  const withPort = new RegExp(`(^|\\s)${port}(?=\\s|$)`).test(command) ? command.replace(new RegExp(`(^|\\s)${port}(?=\\s|$)`, 'g'), '$1{port}') : `${command} {port}`;
  return [
    `port ${port} is held only by ${n === 1 ? '1 closed connection' : `${n} closed connections`} in TIME_WAIT (${n === 1 ? 'it ends' : 'the last ends'} in ${seconds} s), not by a running program.`,
    'The server closed its connections first, and the kernel keeps such a connection for 60 s; until then',
    'the port can be bound only if both the server that made them and the one binding now set SO_REUSEADDR.',
    'To grade run after run, give each run a fresh port (the program must take its port as an argument):',
    `  --with "${withPort}" --port ${port}`,
    `or have the servers set SO_REUSEADDR before bind (it helps from the next run on), or wait ${seconds} s.`,
  ];
}
