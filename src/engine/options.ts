/**
 * The socket options setsockopt takes: one entry per option, and the option union is its keys. Adding
 * an option is one entry here plus its case in the engine's switches (tcp.ts, udp-handle.ts), whose
 * `never` defaults make a missing case a compile error; help, completion and the Python exporter
 * read the entry.
 */

/** What setsockopt's value means: a flag (0 off, anything else on) or a size in bytes (a positive integer). */
export type OptionValue = 'flag' | 'bytes';

export interface OptionSpec {
  /** Python's level argument: setsockopt(LEVEL, OPTION, VALUE). */
  readonly level: 'SOL_SOCKET' | 'IPPROTO_TCP';
  /** The transports the engine supports it on; on the others setsockopt fails with ENOPROTOOPT. */
  readonly transports: readonly ('udp' | 'tcp')[];
  readonly value: OptionValue;
}

export const SOCKET_OPTION_TABLE = {
  SO_REUSEADDR: { level: 'SOL_SOCKET', transports: ['udp', 'tcp'], value: 'flag' },
  SO_BROADCAST: { level: 'SOL_SOCKET', transports: ['udp'], value: 'flag' },
  SO_KEEPALIVE: { level: 'SOL_SOCKET', transports: ['tcp'], value: 'flag' },
  TCP_NODELAY: { level: 'IPPROTO_TCP', transports: ['tcp'], value: 'flag' },
  SO_RCVBUF: { level: 'SOL_SOCKET', transports: ['udp'], value: 'bytes' },
  SO_SNDBUF: { level: 'SOL_SOCKET', transports: ['udp'], value: 'bytes' },
} as const satisfies Record<string, OptionSpec>;

export type SocketOption = keyof typeof SOCKET_OPTION_TABLE;

/** Every option, in the table's order (help's order). */
export const SOCKET_OPTIONS = Object.keys(SOCKET_OPTION_TABLE) as readonly SocketOption[];

/** Options of one transport, for the engine's switches (the others fail with ENOPROTOOPT before them). */
export type OptionOf<T extends 'udp' | 'tcp'> = {
  [K in SocketOption]: T extends (typeof SOCKET_OPTION_TABLE)[K]['transports'][number] ? K : never;
}[SocketOption];

/** Whether option applies to transport: a type guard narrowing it to that transport's options. */
export function optionApplies<T extends 'udp' | 'tcp'>(option: SocketOption, transport: T): option is OptionOf<T> {
  return (SOCKET_OPTION_TABLE[option].transports as readonly string[]).includes(transport);
}
