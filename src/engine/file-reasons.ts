/** The rows of the error table (reasons.ts spreads them in) for sendfile and recvfile: the file they name cannot be read or written, or the socket is UDP. */

import type { Reason } from './reasons.js';
import { name } from './reason-words.js';

export const FILE_REASONS = {
  ENOENT_FILE: {
    code: 'ENOENT',
    python: 'FileNotFoundError',
    say: (c, call) =>
      call === 'recvfile'
        ? `cannot create ${c.path ?? 'that file'}: its directory does not exist — check the path`
        : `there is no file ${c.path ?? ''} — check the path (relative paths start from the current directory)`,
  },
  EACCES_FILE: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c, call) =>
      `${call} is not allowed to ${call === 'sendfile' ? 'read' : 'write'} ${c.path ?? 'that file'} — check its permissions`,
  },
  ENOSPC_FILE: {
    code: 'ENOSPC',
    python: 'OSError',
    say: (c) => `no space left to write ${c.path ?? 'that file'}: its disk is full (or it is a device that takes nothing, like /dev/full)`,
  },
  EISDIR_FILE: {
    code: 'EISDIR',
    python: 'IsADirectoryError',
    say: (c) => `${c.path ?? 'that path'} is a directory — give a file`,
  },
  EOPNOTSUPP_FILE_UDP: {
    code: 'EOPNOTSUPP',
    python: 'ValueError',
    say: (c, call) => `${name(c)} is a UDP socket; ${call} streams a file over a TCP connection — use tcp.connect or accept`,
  },
} as const satisfies Record<string, Reason>;
