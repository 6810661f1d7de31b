/** The rows of the error table (reasons.ts spreads them in) for a socket option Linux refuses: not on this protocol or family, or too late once bound. */

import type { Reason } from './reasons.js';
import { name } from './reason-words.js';

export const OPTION_REASONS = {
  ENOPROTOOPT: {
    code: 'ENOPROTOOPT',
    python: 'OSError',
    say: (c) =>
      `Linux has no ${c.value ?? 'such option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket (its protocol does not have it)`,
  },
  ENOPROTOOPT_IPV4: {
    code: 'ENOPROTOOPT',
    python: 'OSError',
    say: (c) =>
      `${c.value ?? 'that option'} is an IPv6 option and ${name(c)} is an IPv4 socket: Linux has none of IPv6's options on it (an IPv6 socket: ${c.transport === 'udp' ? 'udp' : 'tcp'}.socket -6)`,
  },
  EINVAL_OPTION: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `Linux refuses ${c.value ?? 'that option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket: multicast is for UDP`,
  },
  EPROTO_OPTION: {
    code: 'EPROTO',
    python: 'OSError',
    say: (c) =>
      `Linux refuses ${c.value ?? 'that option'} on a ${c.transport === 'udp' ? 'UDP' : 'TCP'} socket: only a UDP socket joins a multicast group`,
  },
  EOPNOTSUPP_OPTION_UNIX: {
    code: 'EOPNOTSUPP',
    python: 'OSError',
    say: (c) =>
      `${name(c)} is a Unix domain socket: ${c.value ?? 'that option'} is an IP or TCP option, and Linux has none of those on AF_UNIX`,
  },
  EINVAL_TOO_LATE: {
    code: 'EINVAL',
    python: 'OSError',
    say: (c) => `${c.value ?? 'that option'} must be set before bind, and ${name(c)} is already bound — set it on a new socket first`,
  },
} as const satisfies Record<string, Reason>;
