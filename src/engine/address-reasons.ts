/** The rows of the error table (reasons.ts spreads them in) for an address that leads nowhere or cannot be had: nothing listening, in use, not this host's, privileged, not resolving, unreachable. */

import type { ErrorContext, Reason } from './reasons.js';
import { name, where, fam } from './reason-words.js';

export const ADDRESS_REASONS = {
  ECONNREFUSED: {
    code: 'ECONNREFUSED',
    python: 'ConnectionRefusedError',
    say: (c) => `nothing is listening on ${where(c)}${c.elsewhere === undefined ? ' — start the server first' : `, ${c.elsewhere}`}`,
  },
  ECONNREFUSED_UDP: {
    code: 'ECONNREFUSED',
    python: 'ConnectionRefusedError',
    say: (c) =>
      c.boundSince !== undefined
        ? `nothing was listening on ${where(c)} when a datagram ${name(c)} sent there arrived: it came back as ICMP port unreachable; a UDP socket is bound there now (at ${c.boundSince}), so send again`
        : `nothing is listening on ${where(c)}: a datagram ${name(c)} sent there came back as ICMP port unreachable${c.elsewhere === undefined ? ' — start the server first' : `, ${c.elsewhere}`}`,
  },
  EADDRINUSE: {
    code: 'EADDRINUSE',
    python: 'OSError',
    say: (c) =>
      c.holder !== undefined && c.holderStop !== undefined
        ? `${where(c)} is already in use by ${c.holder} of this shell; ${c.holderStop} stops it, or pick another port`
        : c.holder !== undefined
          ? `${where(c)} is already in use by ${c.holder}, a socket of this shell; close it, or pick another port`
          : c.timeWait !== undefined
            ? `${where(c)} is held only by closed connections in TIME_WAIT (for ${c.timeWait} s more), left by a server that closed them first without SO_REUSEADDR — wait, or pick another port`
            : `${where(c)} is already in use — a socket of another program holds it (a server still running?); stop it, or pick another port`,
  },
  EADDRNOTAVAIL: {
    code: 'EADDRNOTAVAIL',
    python: 'OSError',
    say: (c) => `${c.host ?? 'that address'} is not an address of this host — bind to '' (every interface) or 127.0.0.1`,
  },
  EACCES: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c) =>
      c.port !== undefined && c.port > 0 && c.port < 1024
        ? `port ${c.port} is a well-known port (below 1024) and needs privileges — pick one above 1023`
        : `permission denied for ${where(c)}`,
  },
  EACCES_BROADCAST: {
    code: 'EACCES',
    python: 'PermissionError',
    say: (c) => `${c.host ?? 'that'} is a broadcast address — set SO_BROADCAST on ${name(c)} first`,
  },
  ENOTFOUND: {
    code: 'ENOTFOUND',
    python: 'socket.gaierror',
    say: (c) => `the host name '${c.host ?? ''}' does not resolve to an ${fam(c)} address — check the spelling or use an IP address`,
  },
  ENOTFOUND_ZONE: {
    code: 'ENOTFOUND',
    python: 'socket.gaierror',
    say: (c) =>
      `'${c.host ?? ''}' names no interface of this host after its % (${c.value === '' || c.value === undefined ? 'it has none with IPv6' : `its interfaces: ${c.value}`}) — write an interface's name or its number (Python's scope_id)`,
  },
  EAI_AGAIN: {
    code: 'EAI_AGAIN',
    python: 'socket.gaierror',
    say: (c) => `could not reach a name server to look up '${c.host ?? ''}' — try again, or use an IP address`,
  },
  EAI_FAMILY: {
    code: 'EAI_FAMILY',
    python: 'socket.gaierror',
    say: (c) =>
      `'${c.host ?? ''}' is not an ${fam(c)} address but ${name(c)} is an ${fam(c)} socket — use an ${fam(c)} address or create a socket of the other family`,
  },
  ETIMEDOUT_CONNECT: {
    code: 'ETIMEDOUT',
    python: 'TimeoutError',
    say: (c) => `no answer from ${where(c)} — the host may be down or a firewall drops the handshake`,
  },
  EHOSTUNREACH: {
    code: 'EHOSTUNREACH',
    python: 'OSError',
    say: (c) => `no route to host ${c.host ?? ''} — check the address; the host may be down`,
  },
  ENETUNREACH_ZONE: {
    code: 'ENETUNREACH',
    python: 'OSError',
    say: (c) =>
      `this host has no interface numbered ${zone(c)} (${c.value === '' || c.value === undefined ? 'it has none with IPv6' : `its interfaces: ${c.value}`}), so the kernel finds no route out of it to ${c.host ?? 'that host'}, as for Python's scope_id ${zone(c)} — write an interface's name or its number`,
  },
  ENODEV_ZONE: {
    code: 'ENODEV',
    python: 'OSError',
    say: (c) =>
      `this host has no interface numbered ${zone(c)} (${c.value === '' || c.value === undefined ? 'it has none with IPv6' : `its interfaces: ${c.value}`}): the kernel has no such device to bind ${c.host ?? 'the address'} on (Python's scope_id ${zone(c)}) — write an interface's name or its number`,
  },
  ENETUNREACH: {
    code: 'ENETUNREACH',
    python: 'OSError',
    say: (c) => `the network of ${c.host ?? 'that host'} is unreachable from here — check the address and this host's network`,
  },
} as const satisfies Record<string, Reason>;

/** The interface number typed after the host's '%'. */
function zone(c: ErrorContext): string {
  const host = c.host ?? '';
  return host.slice(host.indexOf('%') + 1);
}
