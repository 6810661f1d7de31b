import { tcpHolders } from '../engine/index.js';

/*
 * The textbook's TCPServer closes each connection first, so after it is stopped its port is held by
 * connections in TIME_WAIT (see engine/port-holders.ts), and the next server to bind it fails.
 */

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
  const withPort = new RegExp(`(^|\\s)${port}(?=\\s|$)`).test(command)
    ? command.replace(new RegExp(`(^|\\s)${port}(?=\\s|$)`, 'g'), '$1{port}')
    : `${command} {port}`;
  return [
    `port ${port} is held only by ${n === 1 ? '1 closed connection' : `${n} closed connections`} in TIME_WAIT (${n === 1 ? 'it ends' : 'the last ends'} in ${seconds} s), not by a running program.`,
    'The server closed its connections first, and the kernel keeps such a connection for 60 s; until then',
    'the port can be bound only if both the server that made them and the one binding now set SO_REUSEADDR.',
    'To grade run after run, give each run a fresh port (the program must take its port as an argument):',
    `  --with "${withPort}" --port ${port}`,
    `or have the servers set SO_REUSEADDR before bind (it helps from the next run on), or wait ${seconds} s.`,
  ];
}
