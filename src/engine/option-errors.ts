/**
 * The refusals of setsockopt that are not the OS's answer on a descriptor: Linux's own answer for an
 * option on the wrong transport (the table's route, checked against Python by
 * test/socket-options.test.ts), and what this shell will not do, said as the shell's.
 */
import { ShellError } from '../core/errors.js';
import { SocketError, type ErrorContext } from './errors.js';
import { SOCKET_OPTION_TABLE, ipv6Only, type OptionRoute, type SocketOption } from './options.js';
import type { Family } from './types.js';

/** The error Linux gives for option on this transport (route is its errno). */
export function refusedOption(route: Exclude<OptionRoute, 'node' | 'addon'>, option: SocketOption, context: ErrorContext): SocketError {
  const reason = route === 'ENOPROTOOPT' ? 'ENOPROTOOPT' : route === 'EINVAL' ? 'EINVAL_OPTION' : 'EPROTO_OPTION';
  return new SocketError(reason, 'setsockopt', { ...context, value: option });
}

/**
 * An AF_UNIX socket has only the socket-level options (SOL_SOCKET): Linux answers an IP or TCP one
 * (TCP_NODELAY, multicast) with EOPNOTSUPP, set or got, as Python there shows. Null when option is one it has.
 */
export function notOnUnix(option: SocketOption, call: 'setsockopt' | 'getsockopt', context: ErrorContext): SocketError | null {
  if (SOCKET_OPTION_TABLE[option].level === 'SOL_SOCKET') return null;
  return new SocketError('EOPNOTSUPP_OPTION_UNIX', call, { ...context, value: option });
}

/** An IPv6 option set on an IPv4 socket: Linux has none of them there (ENOPROTOOPT). Null for any other. */
export function notOnIpv4(option: SocketOption, family: Family, context: ErrorContext): SocketError | null {
  if (family !== 4 || !ipv6Only(option)) return null;
  return new SocketError('ENOPROTOOPT_IPV4', 'setsockopt', { ...context, value: option });
}

/** SO_LINGER N > 0: close would block the thread up to N s, every socket and Ctrl-C with it. */
export function lingerWaitRefused(seconds: number): ShellError {
  return new ShellError(
    `SO_LINGER ${seconds}: sockshell takes SO_LINGER 0 (close resets the connection) or none (off); with ${seconds} s, close would wait in the OS up to ${seconds} s for the peer to take the data, and the whole shell (every socket, Ctrl-C) would wait with it — a limit of sockshell, not of the OS`,
    null,
  );
}

/** SO_LINGER 0 on a TLS socket: the reset it asks for cannot be made, and the shell will not show one that is not sent. */
export function lingerResetRefusedOnTls(): ShellError {
  return new ShellError(
    "SO_LINGER 0 on a TLS socket: Node cannot reset a TLS connection (its close sends TLS's close_notify and a FIN; Python's would send a reset), so sockshell refuses it rather than show a reset that is not sent — a limit of sockshell, not of the OS",
    null,
  );
}
