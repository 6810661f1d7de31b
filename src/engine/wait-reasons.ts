/** The rows of the error table (reasons.ts spreads them in) for how a blocking call's wait ended without its result: timed out, cancelled, would block, another call already waiting. */

import type { Reason } from './reasons.js';
import { name } from './reason-words.js';

export const WAIT_REASONS = {
  ETIMEDOUT: {
    code: 'ETIMEDOUT',
    python: 'TimeoutError',
    say: (c, call) => `${call} timed out after ${c.seconds ?? '?'} s; the socket is still usable`,
  },
  EINTR: {
    code: 'EINTR',
    python: 'KeyboardInterrupt',
    say: (c, call) => `${call} cancelled; ${name(c)} stays open and keeps its queued data`,
  },
  EAGAIN: {
    code: 'EAGAIN',
    python: 'BlockingIOError',
    say: (c, call) => `${name(c)} is non-blocking (settimeout 0) and ${call} would have to wait — try again later or set a timeout`,
  },
  EBUSY: {
    code: 'EBUSY',
    python: 'OSError',
    say: (c) => {
      const call = c.pending ?? 'call';
      return `${name(c)} already has ${/^[aeiou]/.test(call) ? 'an' : 'a'} ${call} waiting — one blocking call per socket; wait for it, or stop it (Ctrl-C, or kill the job that made it)`;
    },
  },
} as const satisfies Record<string, Reason>;
