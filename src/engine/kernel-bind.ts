/**
 * bind as Python's: a TCP socket made and bound in the addon, so the kernel holds the address from
 * bind on (a second bind of it fails with EADDRINUSE; the port the OS picked for 0 stays this socket's)
 * and getsockname reads the kernel's answer. Node cannot bind a TCP socket without listening; the
 * descriptor made here is what listen (kernel-listener.ts, or Node's server for TLS, given a copy:
 * copyBound) and connect (Node's socket, given the descriptor: tcp-connect.ts) go on with.
 */
import { toSocketError, type ErrorContext } from './errors.js';
import { timeWaitOnly } from './bind-probe.js';
import { ADDRESS_BYTES, addressOf, nativeError, type NativeCalls } from './native.js';
import type { DescriptorOptions } from './sockopts.js';
import type { Address } from './types.js';

const nameBytes = Buffer.alloc(ADDRESS_BYTES);

/** A bound descriptor and the address the kernel gave it. */
export interface BoundFd {
  readonly fd: number;
  readonly address: Address;
}

/**
 * A TCP socket of family bound to ip:port, with the options kept so far set on it first (SO_REUSEADDR
 * as Node would set it, 1, unless it was set to 0). Throws bind's error, as the OS gave it.
 */
export function bindInKernel(
  calls: NativeCalls,
  family: 4 | 6,
  ip: string,
  port: number,
  options: DescriptorOptions,
  context: ErrorContext,
): BoundFd {
  const fail = (n: number, call: string): never => {
    const err = nativeError(calls, n, call);
    throw toSocketError(err, call, { ...context, host: ip, port, ...(call === 'bind' ? timeWaitOnly(err, port) : {}) });
  };
  const fd = calls.socket(family, 1);
  if (fd < 0) fail(fd, 'socket');
  try {
    options.setAll(fd, { SO_REUSEADDR: 1 });
    const n = calls.bindfd(fd, ip, port);
    if (n < 0) fail(n, 'bind');
    nameBytes.fill(0);
    const named = calls.sockname(fd, nameBytes);
    if (named < 0) fail(named, 'getsockname');
  } catch (err) {
    calls.close(fd, 0);
    throw err;
  }
  return { fd, address: addressOf(nameBytes, family) };
}

/**
 * A second descriptor of the bound socket fd, for Node's server (a TLS listener) to listen on and own:
 * a listen that fails closes it, and fd, still bound, stays the socket's, as Python's socket stays
 * bound when listen fails. Without the copy Node's failed listen closed the socket's only descriptor.
 */
export function copyBound(calls: NativeCalls, fd: number, context: ErrorContext): number {
  const copy = calls.dup(fd);
  if (copy < 0) throw toSocketError(nativeError(calls, copy, 'listen'), 'listen', context);
  return copy;
}
