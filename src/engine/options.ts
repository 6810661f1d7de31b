/**
 * The socket options setsockopt and getsockopt take: one entry per option, and the option union is its
 * keys. An entry says how the engine sets the option on each transport (Node's own call, the native
 * addon on the descriptor, or what Linux answers instead), Python's level, what its value means, and a
 * line for help. Adding an option is one entry here plus its case in the engine's switches (tcp.ts,
 * udp-handle.ts), whose `never` defaults make a missing case a compile error; help, completion, the
 * README's option table and the Python exporter read the entry.
 */

/**
 * What setsockopt's value means: a flag (0 off, anything else on), a size in bytes (a positive
 * integer), linger seconds (0: close resets; none: off), a multicast TTL (0-255), an interface's
 * address, a multicast group with an optional interface address (GROUP [IFACE]); for IPv6, an
 * interface by its name or number (INTERFACE: eth0 or 2), or a group with an optional interface.
 */
export type OptionValue = 'flag' | 'bytes' | 'linger' | 'ttl' | 'iface' | 'group' | 'interface' | 'group6';

/**
 * How the engine sets an option on one transport. node: Node's net or dgram has a call for it.
 * addon: Node has none, so the native addon sets it on the socket's descriptor (without the addon the
 * engine says that this build cannot). Anything else: Linux refuses the option on that transport with
 * this errno, as test/socket-options.test.ts checks against Python on the same machine.
 */
export type OptionRoute = 'node' | 'addon' | 'ENOPROTOOPT' | 'EINVAL' | 'EPROTO';

export interface OptionSpec {
  /** Python's level argument: setsockopt(LEVEL, OPTION, VALUE). */
  readonly level: 'SOL_SOCKET' | 'IPPROTO_TCP' | 'IPPROTO_IP' | 'IPPROTO_IPV6';
  readonly value: OptionValue;
  readonly udp: OptionRoute;
  readonly tcp: OptionRoute;
  /** What it does, for help and the README. */
  readonly summary: string;
}

export const SOCKET_OPTION_TABLE = {
  SO_REUSEADDR: {
    level: 'SOL_SOCKET',
    value: 'flag',
    udp: 'node',
    tcp: 'node',
    summary:
      "bind a port others hold (UDP) or one left in TIME_WAIT (TCP; sockshell sets it on every TCP bind, as Node does, so getsockopt reads 1 where Python's reads 0)",
  },
  SO_BROADCAST: { level: 'SOL_SOCKET', value: 'flag', udp: 'node', tcp: 'addon', summary: 'allow sendto a broadcast address' },
  SO_KEEPALIVE: { level: 'SOL_SOCKET', value: 'flag', udp: 'addon', tcp: 'node', summary: 'probe an idle TCP connection' },
  TCP_NODELAY: { level: 'IPPROTO_TCP', value: 'flag', udp: 'ENOPROTOOPT', tcp: 'node', summary: 'send small segments at once (no Nagle)' },
  SO_RCVBUF: {
    level: 'SOL_SOCKET',
    value: 'bytes',
    udp: 'node',
    tcp: 'addon',
    summary: 'receive buffer size (Linux doubles what you set: getsockopt shows it)',
  },
  SO_SNDBUF: {
    level: 'SOL_SOCKET',
    value: 'bytes',
    udp: 'node',
    tcp: 'addon',
    summary: 'send buffer size (doubled by Linux, as SO_RCVBUF)',
  },
  SO_LINGER: {
    level: 'SOL_SOCKET',
    value: 'linger',
    udp: 'addon',
    tcp: 'node',
    summary: 'SO_LINGER 0: close sends a reset (RST) instead of a FIN; none: off',
  },
  IP_MULTICAST_TTL: {
    level: 'IPPROTO_IP',
    value: 'ttl',
    udp: 'node',
    tcp: 'EINVAL',
    summary: 'hops a multicast datagram may take (1 by default)',
  },
  IP_MULTICAST_LOOP: {
    level: 'IPPROTO_IP',
    value: 'flag',
    udp: 'node',
    tcp: 'addon',
    summary: "deliver this host's own multicast datagrams to its sockets (1 by default)",
  },
  IP_MULTICAST_IF: {
    level: 'IPPROTO_IP',
    value: 'iface',
    udp: 'node',
    tcp: 'EINVAL',
    summary: 'the interface (by its address) multicast datagrams leave by; 127.0.0.1 keeps them on this host',
  },
  IP_ADD_MEMBERSHIP: {
    level: 'IPPROTO_IP',
    value: 'group',
    udp: 'node',
    tcp: 'EPROTO',
    summary: 'join a multicast group, on an interface address (default: the OS picks)',
  },
  IP_DROP_MEMBERSHIP: { level: 'IPPROTO_IP', value: 'group', udp: 'node', tcp: 'EPROTO', summary: 'leave a multicast group' },
  // IPv6's multicast options (an IPv4 socket has none of them: ENOPROTOOPT, see ipv6Only).
  IPV6_MULTICAST_HOPS: {
    level: 'IPPROTO_IPV6',
    value: 'ttl',
    udp: 'addon',
    tcp: 'ENOPROTOOPT',
    summary: 'hops an IPv6 multicast datagram may take (1 by default)',
  },
  IPV6_MULTICAST_LOOP: {
    level: 'IPPROTO_IPV6',
    value: 'flag',
    udp: 'addon',
    tcp: 'addon',
    summary: "deliver this host's own IPv6 multicast datagrams to its sockets (1 by default)",
  },
  IPV6_MULTICAST_IF: {
    level: 'IPPROTO_IPV6',
    value: 'interface',
    udp: 'addon',
    tcp: 'ENOPROTOOPT',
    summary: 'the interface (by name or number) IPv6 multicast datagrams leave by',
  },
  IPV6_JOIN_GROUP: {
    level: 'IPPROTO_IPV6',
    value: 'group6',
    udp: 'node',
    tcp: 'EPROTO',
    summary: 'join an IPv6 multicast group (ff02::1:3), on an interface by name or number (default: the OS picks)',
  },
  IPV6_LEAVE_GROUP: { level: 'IPPROTO_IPV6', value: 'group6', udp: 'node', tcp: 'EPROTO', summary: 'leave an IPv6 multicast group' },
} as const satisfies Record<string, OptionSpec>;

export type SocketOption = keyof typeof SOCKET_OPTION_TABLE;

/** Every option, in the table's order (help's order). */
export const SOCKET_OPTIONS = Object.keys(SOCKET_OPTION_TABLE) as readonly SocketOption[];

/**
 * setsockopt's value: a number, an interface's address (IP_MULTICAST_IF), or for a group option the
 * group and the interface: its address for IPv4, its name for IPv6 (null: the OS picks).
 */
export type OptionArg = number | string | { readonly group: string; readonly iface: string | null };

/** Options one transport sets with Node's own calls, for the engine's switches. */
export type NodeOptionOf<T extends 'udp' | 'tcp'> = {
  [K in SocketOption]: (typeof SOCKET_OPTION_TABLE)[K][T] extends 'node' ? K : never;
}[SocketOption];

/** The numeric options: every one but the group options. */
export type NumericOption = Exclude<
  SocketOption,
  'IP_MULTICAST_IF' | 'IP_ADD_MEMBERSHIP' | 'IP_DROP_MEMBERSHIP' | 'IPV6_JOIN_GROUP' | 'IPV6_LEAVE_GROUP'
>;

/** An IPv6 option (level IPPROTO_IPV6): an IPv4 socket has none of them (Linux: setsockopt ENOPROTOOPT, getsockopt EOPNOTSUPP). */
export function ipv6Only(option: SocketOption): boolean {
  return SOCKET_OPTION_TABLE[option].level === 'IPPROTO_IPV6';
}

/** How transport sets option (OptionRoute). */
export function optionRoute(option: SocketOption, transport: 'udp' | 'tcp'): OptionRoute {
  return SOCKET_OPTION_TABLE[option][transport];
}

/** The value of a linger option that turns lingering off (Python: struct.pack('ii', 0, 0)). */
export const LINGER_OFF = -1;
