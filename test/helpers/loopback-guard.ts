import dgram from 'node:dgram';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import net, { isIP } from 'node:net';

/**
 * A tripwire for tests that feed random words to a live shell: whatever the fuzzer composes, nothing
 * leaves this host. Host names other than `localhost` never reach the resolver (a name with an empty
 * label such as `no..such.host` fails inside it, so it may pass), and no datagram or connection goes
 * to an address outside loopback. A blocked call fails the way a real one would, with the code
 * EOFFHOST, so the shell's handling of an unknown error code is exercised too; `blocked` counts them.
 *
 * Sockets stay real: only the destinations are checked. Installed per test file (vitest runs each
 * file in its own process), removed by the returned function.
 */
export interface Guard {
  readonly blocked: { names: number; addresses: number };
  remove(): void;
}

const require = createRequire(import.meta.url);
const dnsPromises = require('node:dns/promises') as { lookup: (host: string, options?: unknown) => Promise<unknown> };

export function isLoopback(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) return ip.startsWith('127.') || ip === '0.0.0.0';
  if (v === 6) return ip === '::1' || ip === '::' || /^::ffff:(127\.|0\.0\.0\.0$)/i.test(ip);
  return false;
}

function offHost(what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`test guard: ${what} is not on this host`), { code: 'EOFFHOST' });
}

export function guardLoopback(): Guard {
  const blocked = { names: 0, addresses: 0 };
  const lookup = dnsPromises.lookup;
  dnsPromises.lookup = (host: string, options?: unknown) => {
    if (host === 'localhost' || host.includes('..') || isLoopback(host)) return lookup(host, options);
    blocked.names += 1;
    return Promise.reject(offHost(`the name ${JSON.stringify(host)}`));
  };
  syncBuiltinESMExports();

  // The guard patches the prototypes and calls the originals with the right receiver, so unbound is safe.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    // send(msg, port, address, cb) or send(msg, offset, length, port, address, cb); connected: send(msg, cb)
    const address = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
    if (address !== undefined && !isLoopback(address)) {
      blocked.addresses += 1;
      const cb = args.find((a) => typeof a === 'function') as ((err: Error) => void) | undefined;
      process.nextTick(() => cb?.(offHost(address)));
      return;
    }
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof send;

  // eslint-disable-next-line @typescript-eslint/unbound-method
  const connectDgram = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function (this: dgram.Socket, port: number, address?: unknown, cb?: unknown) {
    if (typeof address === 'string' && !isLoopback(address)) {
      blocked.addresses += 1;
      process.nextTick(() => (cb as ((err: Error) => void) | undefined)?.(offHost(address)));
      return;
    }
    return (connectDgram as (...a: unknown[]) => void).call(this, port, address, cb);
  };

  // eslint-disable-next-line @typescript-eslint/unbound-method
  const connectNet = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its normalized arguments as one array: [options, callback].
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host =
      typeof first === 'object' && first !== null ? (first as { host?: string }).host : typeof args[1] === 'string' ? args[1] : undefined;
    if (host !== undefined && !isLoopback(host) && host !== 'localhost') {
      blocked.addresses += 1;
      process.nextTick(() => this.destroy(offHost(host)));
      return this;
    }
    return (connectNet as (...a: unknown[]) => net.Socket).apply(this, args);
  };

  return {
    blocked,
    remove() {
      dnsPromises.lookup = lookup;
      syncBuiltinESMExports();
      dgram.Socket.prototype.send = send;
      dgram.Socket.prototype.connect = connectDgram;
      net.Socket.prototype.connect = connectNet;
    },
  };
}
