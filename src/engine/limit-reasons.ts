/** The rows of the error table (reasons.ts spreads them in) for a value past a limit: a port, buffer size or value out of range, a datagram too large, no file descriptor left. */

import type { Reason } from './reasons.js';

export const LIMIT_REASONS = {
  EINVAL_PORT: {
    code: 'EINVAL',
    python: 'OverflowError',
    say: (c) => `${c.value ?? 'that'} is not a port number — use an integer from 0 to 65535`,
  },
  EINVAL_DEST_PORT: {
    code: 'EINVAL',
    python: 'OSError',
    say: () => `port 0 cannot be a destination — send to the port the server is bound to`,
  },
  EINVAL_BUFSIZE: {
    code: 'EINVAL',
    python: 'ValueError',
    say: (c, call) => `${call} needs a buffer size that is an integer ≥ 0 (such as 2048), not ${c.value ?? 'that'}`,
  },
  EINVAL_VALUE: {
    code: 'EINVAL',
    python: 'ValueError',
    say: (c, call) => `${c.value ?? 'that value'} is out of range for ${call}`,
  },
  EMSGSIZE: {
    code: 'EMSGSIZE',
    python: 'OSError',
    say: (c) =>
      `the datagram${c.size === undefined ? '' : ` (${c.size} bytes)`} is too large for one UDP datagram (max 65507 bytes over IPv4) — send less`,
  },
  EMFILE: {
    code: 'EMFILE',
    python: 'OSError',
    say: (_c, call) =>
      `${call} needs a file descriptor and this process has none left (each socket and open file takes one, up to ulimit -n) — close sockets you no longer need`,
  },
} as const satisfies Record<string, Reason>;
