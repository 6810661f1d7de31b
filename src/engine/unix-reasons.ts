/**
 * The AF_UNIX rows of the error table (reasons.ts spreads them in). A Unix socket's address is a
 * path (the context's host), and its troubles are the file's: a server's bind creates the socket
 * file, Python's close leaves it behind, and a bind to a path that exists fails with EADDRINUSE,
 * whether a server still answers there or not.
 */
import type { ErrorContext, Reason } from './reasons.js';

const path = (c: ErrorContext): string => c.host ?? 'that path';

export const UNIX_REASONS = {
  EADDRINUSE_UNIX: {
    code: 'EADDRINUSE',
    python: 'OSError',
    say: (c) => {
      if (c.holder !== undefined)
        return `${path(c)} is already in use by ${c.holder}, a socket of this shell; close it, or pick another path`;
      switch (c.value) {
        case 'live':
          return `${path(c)} is the socket file of a server that is running (a socket is bound to it) — stop it, or pick another path`;
        case 'file':
          return `${path(c)} exists and is not a socket — pick another path`;
        case 'unknown':
          return `${path(c)} already exists: a server may be running there, or it is a socket file left behind by one that ended (Python's close leaves the file) — if none runs, remove it (rm ${path(c)}; in Python, os.unlink(path) before bind)`;
        default:
          return `${path(c)} already exists: a socket file left behind by a server that ended without removing it (no socket is bound to it; Python's close leaves the file) — remove it (rm ${path(c)}; in Python, os.unlink(path) before bind) and bind again`;
      }
    },
  },
  ECONNREFUSED_UNIX: {
    code: 'ECONNREFUSED',
    python: 'ConnectionRefusedError',
    say: (c) =>
      `${path(c)} exists but nothing is listening on it: a stale socket file left by a server that ended, or a file that is not a socket — start the server (it must remove the old file first)`,
  },
  ENOENT_UNIX: {
    code: 'ENOENT',
    python: 'FileNotFoundError',
    say: (c, call) =>
      call === 'connect'
        ? `there is no socket file at ${path(c)} — start the server first: its bind creates the file`
        : `the folder of ${path(c)} does not exist — create it, or pick another path`,
  },
} as const satisfies Record<string, Reason>;
