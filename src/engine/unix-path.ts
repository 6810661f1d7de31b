/**
 * bind on an AF_UNIX socket, as far as Node allows before listen: Node cannot bind without listening,
 * so bind checks that the path is free and listen creates the socket file. A path that exists gives
 * EADDRINUSE, as Python's bind does; which case it is (a stale file no socket is bound to, a server
 * still running, a file that is not a socket) is found out here, so the error can say what to do.
 * Whether a socket is bound to the file is read from the kernel's table (/proc/net/unix on Linux),
 * never by connecting: a connect would reach the running server as a client.
 */
import { readFile, lstat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SocketError, errorCode } from './errors.js';
import type { ErrorContext } from './errors.js';
import { ShellError } from '../core/errors.js';

/**
 * Refuses a Linux abstract socket name ("\0name": a name in the kernel, no file), which Python takes
 * as '\0name'. Node 20's net takes one too, but binds and connects it padded with NULs to the whole
 * 108 bytes of sun_path, a different name from Python's (the kernel compares names with their
 * length: /proc/net/unix shows Node's as @name@@@@...): a Python client could never reach the shell's
 * server, nor the shell a Python server. Saying so beats a server nobody can find.
 */
export function refuseAbstract(path: string, call: string): void {
  if (!path.startsWith('\0')) return;
  const name = `'\\0${path.slice(1)}'`;
  throw new ShellError(
    `${call} ${name}: abstract socket names (a leading \\0) are not supported — Node 20 pads them with NULs to the 108 bytes of sun_path, a different name from Python's ${name}, so no other program could meet the shell there; use a path (a limit of sockshell, not of the OS)`,
    null,
  );
}

/** Resolves when nothing exists at path; else throws EADDRINUSE_UNIX (or ENOENT_UNIX for a missing folder). */
export async function checkPathFree(path: string, context: ErrorContext): Promise<void> {
  refuseAbstract(path, 'bind');
  let socketFile: boolean;
  try {
    socketFile = (await lstat(path)).isSocket();
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw new SocketError({ code: errorCode(err) }, 'bind', { ...context, host: path });
    const folder = await lstat(dirname(path)).catch(() => null);
    if (folder === null) throw new SocketError('ENOENT_UNIX', 'bind', { ...context, host: path });
    return;
  }
  const bound = socketFile ? await boundInKernel(path) : null;
  const value = !socketFile ? 'file' : bound === null ? 'unknown' : bound ? 'live' : 'stale';
  throw new SocketError('EADDRINUSE_UNIX', 'bind', { ...context, host: path, value });
}

/** Is a socket bound to path now? null when the kernel's table cannot be read (not Linux). */
async function boundInKernel(path: string): Promise<boolean | null> {
  let table: string;
  try {
    table = await readFile('/proc/net/unix', 'utf8');
  } catch {
    return null;
  }
  const endings = [...new Set([path, resolve(path)])].map((p) => ` ${p}`);
  // Each line ends with the path the socket was bound to, as given to bind (relative ones too).
  return table.split('\n').some((line) => endings.some((end) => line.endsWith(end)));
}
