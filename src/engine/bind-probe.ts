/**
 * bind without the addon: Node cannot bind a TCP socket without listening, so bind probes the address
 * (listens, then closes at once: EADDRINUSE, EACCES, EADDRNOTAVAIL and the port chosen for 0 come out
 * right) and the port is the shell's only on paper until listen or connect. And what any TCP bind
 * says of an EADDRINUSE that only TIME_WAIT connections cause.
 */
import net, { type AddressInfo } from 'node:net';
import { errorCode, toSocketError, type ErrorContext } from './errors.js';
import { tcpHolders } from './port-holders.js';
import { listenOn } from './server-listen.js';
import { checkPathFree } from './unix-path.js';

/** Checks that host:port can be bound, and returns the port (the one the OS picked, for port 0). */
export async function probeAddress(host: string, port: number, context: ErrorContext): Promise<number> {
  if (context.family === 'unix') return checkPathFree(host, context).then(() => 0);
  const server = net.createServer();
  try {
    await listenOn(server, { host, port }, undefined);
    return (server.address() as AddressInfo).port;
  } catch (err) {
    throw toSocketError(err, 'bind', { ...context, host, port, ...timeWaitOnly(err, port) });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** For EADDRINUSE on a port that only TIME_WAIT connections hold (Linux): how long they have left. */
export function timeWaitOnly(err: unknown, port: number): { timeWait?: number } {
  if (port === 0 || errorCode(err) !== 'EADDRINUSE') return {};
  const holders = tcpHolders(port);
  if (holders === null || holders.timeWait === 0 || holders.other > 0) return {};
  return { timeWait: Math.max(1, Math.ceil(holders.lastEndsInMs / 1000)) };
}
