/**
 * The refusals of setsockopt that are not the OS's answer on a descriptor: Linux's own answer for an
 * option on the wrong transport (the table's route, checked against Python by
 * test/socket-options.test.ts), and what this shell will not do, said as the shell's.
 */
import { ShellError } from '../core/errors.js';
import { SocketError, type ErrorContext } from './errors.js';
import type { OptionRoute, SocketOption } from './options.js';

/** The error Linux gives for option on this transport (route is its errno). */
export function refusedOption(route: Exclude<OptionRoute, 'node' | 'addon'>, option: SocketOption, context: ErrorContext): SocketError {
  const reason = route === 'ENOPROTOOPT' ? 'ENOPROTOOPT' : route === 'EINVAL' ? 'EINVAL_OPTION' : 'EPROTO_OPTION';
  return new SocketError(reason, 'setsockopt', { ...context, value: option });
}

/** SO_LINGER N > 0: close would block the thread up to N s, every socket and Ctrl-C with it. */
export function lingerWaitRefused(seconds: number): ShellError {
  return new ShellError(
    `SO_LINGER ${seconds}: sockshell takes SO_LINGER 0 (close resets the connection) or none (off); with ${seconds} s, close would wait in the OS up to ${seconds} s for the peer to take the data, and the whole shell (every socket, Ctrl-C) would wait with it — a limit of sockshell, not of the OS`,
    null,
  );
}
