import {
  LINGER_OFF,
  SOCKET_OPTION_TABLE,
  SOCKET_OPTIONS,
  findInterface,
  zoneChoices,
  type OptionArg,
  type OptionValue,
  type SocketOption,
} from '../engine/index.js';
import { NONE, int } from '../lang/values.js';
import { COERCE, count } from './coercers.js';
import { ShellError } from '../core/errors.js';
import { expr, lines, type PyContext } from '../spec/python.js';
import { defineCommand, type Arg, type CommandDef } from '../spec/command.js';

/** The options setsockopt and getsockopt take, by their Python names: the engine's table (engine/options.ts) has one entry each. */
export { SOCKET_OPTIONS };

/** VALUE as each kind of option takes it, for help. */
const VALUE_WORDS: Record<OptionValue, string> = {
  flag: '1|0',
  bytes: 'BYTES',
  linger: '0|none',
  ttl: 'HOPS',
  iface: 'ADDRESS',
  group: 'GROUP [IFACE]',
  interface: 'INTERFACE',
  group6: 'GROUP [INTERFACE]',
};

/** setsockopt and getsockopt: Python's, with the level written for you from the option's table entry. */
export const optionCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'setsockopt',
    group: 'socket',
    method: true,
    usage: 'setsockopt OPTION VALUE|GROUP [IFACE]',
    forms: [
      [
        { name: 'OPTION', kind: 'option', choices: SOCKET_OPTIONS },
        { name: 'VALUE', kind: 'value' },
      ],
      [
        { name: 'OPTION', kind: 'option', choices: SOCKET_OPTIONS },
        // Words as they are, as VALUE is: optionValue reads them as the option says, and says so when it takes one value.
        { name: 'GROUP', kind: 'value' },
        { name: 'IFACE', kind: 'value' },
      ],
    ],
    summary: `Set a socket option: ${SOCKET_OPTIONS.join(', ')}`,
    python: { code: 's.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)' },
    example: 'setsockopt SO_BROADCAST 1',
    notes: optionNotes(),
    toPython: (py) => {
      const option = optionWord(py);
      return lines(`${py.target}.setsockopt(${level(option)}, ${option}, ${pythonValue(option, py)})`);
    },
    run(ctx) {
      ctx.session.engine.setsockopt(ctx.socket(), ctx.a.OPTION, optionValue(ctx.a.OPTION, ctx.args.slice(1)));
      return NONE;
    },
  }),
  defineCommand({
    name: 'getsockopt',
    group: 'socket',
    method: true,
    usage: 'getsockopt OPTION',
    forms: [[{ name: 'OPTION', kind: 'option', choices: SOCKET_OPTIONS }]],
    summary: 'Read a socket option as the OS reports it (an int, as Python returns; SO_RCVBUF shows Linux doubling it)',
    python: { code: 's.getsockopt(SOL_SOCKET, SO_RCVBUF)' },
    example: 'getsockopt SO_RCVBUF',
    toPython: (py) => {
      const option = optionWord(py);
      return expr(`${py.target}.getsockopt(${level(option)}, ${option})`, 'int');
    },
    run(ctx) {
      const socket = ctx.socket();
      const value = ctx.session.engine.getsockopt(socket, ctx.a.OPTION);
      const info = ctx.session.engine.info(socket);
      if (ctx.a.OPTION === 'SO_REUSEADDR' && value === 1 && info.transport === 'tcp' && info.family !== 'unix')
        ctx.info(REUSE_SET_BY_SHELL);
      return int(value);
    },
  }),
];

/**
 * Said with a TCP socket's SO_REUSEADDR of 1: the OS's answer, which the shell set, not the program
 * (README, Socket options: why it is kept).
 */
const REUSE_SET_BY_SHELL =
  "sockshell sets SO_REUSEADDR on every TCP socket it binds, as Node does, so a restarted server takes back a port its last run left in TIME_WAIT; Python's socket reads 0 here unless the program set it (setsockopt SO_REUSEADDR 0 before bind binds as Python's does; explain TIME_WAIT)";

/** help setsockopt: each option of the table with its value and what it does, and where it applies. */
function optionNotes(): string[] {
  const lines = ['Options (the level is written for you, as the table in engine/options.ts has it):'];
  for (const option of SOCKET_OPTIONS) {
    const spec = SOCKET_OPTION_TABLE[option];
    const only = spec.udp === 'node' || spec.udp === 'addon' ? (spec.tcp === 'node' || spec.tcp === 'addon' ? '' : ' (UDP)') : ' (TCP)';
    lines.push(`  ${option} ${VALUE_WORDS[spec.value]}${only}: ${spec.summary}`);
  }
  lines.push('getsockopt OPTION reads any of them as the OS reports it.');
  return lines;
}

/**
 * VALUE (or GROUP [IFACE]) read as the option's entry says. The words themselves, not ctx.a: which
 * kind VALUE is (a number, none, an address) depends on the option, and errors point at the word.
 */
function optionValue(option: SocketOption, args: readonly Arg[]): OptionArg {
  const kind = SOCKET_OPTION_TABLE[option].value;
  const first = args[0]!;
  if (kind === 'group') {
    const iface = args[1] === undefined ? null : host(args[1]);
    const group = host(first);
    if (group.includes(':'))
      throw new ShellError(
        `${option} takes an IPv4 group (224.0.0.0 to 239.255.255.255); an IPv6 group such as ${group} is joined with IPV6_JOIN_GROUP ${group} [INTERFACE], on an IPv6 socket (udp.socket -6), as Python's IPV6_JOIN_GROUP`,
        first.span,
      );
    return { group, iface };
  }
  if (kind === 'group6') return { group: host(first), iface: args[1] === undefined ? null : networkInterface(option, args[1]).name };
  if (args.length > 1) throw new ShellError(`${option} takes one value; only a group option takes a group and an interface`, args[1]!.span);
  const v = first.value;
  switch (kind) {
    case 'flag':
      return v.kind === 'bool' ? Number(v.value) : count(first, `${option}'s value`);
    case 'bytes':
      return count(first, `${option}'s size in bytes`);
    case 'ttl':
      return count(first, `${option}'s hops`);
    case 'iface':
      return host(first);
    case 'interface':
      return networkInterface(option, first).index;
    case 'linger':
      return v.kind === 'none' ? LINGER_OFF : count(first, `${option}'s seconds (or none for off)`);
    default: {
      const exhaustive: never = kind;
      return exhaustive;
    }
  }
}

/**
 * An interface of this host by its name or number, as IPv6's multicast options take it (Python's
 * if_nametoindex gives the number). The shell knows an interface's number from its link-local
 * address, or from the kernel through the addon: without the addon, one with no link-local address
 * (lo, usually) is named by name for a group, and cannot be for IPV6_MULTICAST_IF.
 */
function networkInterface(option: SocketOption, arg: Arg): { name: string; index: number } {
  const word = arg.value.kind === 'int' ? String(arg.value.value) : COERCE.host(arg, { name: 'INTERFACE', kind: 'host' });
  const found = findInterface(word);
  if (found === null) throw new ShellError(`${option}: this host has no interface ${word} (it has ${zoneChoices()})`, arg.span);
  if (found.index === 0 && SOCKET_OPTION_TABLE[option].value === 'interface')
    throw new ShellError(
      `${option}: the number of interface ${word} is not known here (it has no link-local IPv6 address, which is how Node tells it, and the native addon that asks the kernel is not loaded); give its number (ip link shows it)`,
      arg.span,
    );
  return found;
}

/** A host word, coerced as the host kind is. */
function host(arg: Arg): string {
  return COERCE.host(arg, { name: 'ADDRESS', kind: 'host' });
}

function optionWord(py: PyContext): string {
  return py.arg(0).replace(/'/g, '');
}

function level(option: string): string {
  return option in SOCKET_OPTION_TABLE ? SOCKET_OPTION_TABLE[option as SocketOption].level : 'SOL_SOCKET';
}

/** The value as Python's setsockopt takes it: an int, a struct linger, a struct ip_mreq or ipv6_mreq. */
function pythonValue(option: string, py: PyContext): string {
  const kind = option in SOCKET_OPTION_TABLE ? SOCKET_OPTION_TABLE[option as SocketOption].value : 'flag';
  if (kind === 'linger') {
    py.need('struct');
    return py.type(1) === 'none' ? "struct.pack('ii', 0, 0)" : `struct.pack('ii', 1, ${py.arg(1)})`;
  }
  if (kind === 'iface') return `inet_aton(${py.text(1)})`;
  if (kind === 'group') return `inet_aton(${py.text(1)}) + inet_aton(${py.count > 2 ? py.text(2) : "'0.0.0.0'"})`;
  if (kind === 'interface') return interfaceNumber(py, 1);
  if (kind === 'group6') {
    py.need('struct');
    return `inet_pton(AF_INET6, ${py.text(1)}) + struct.pack('@I', ${py.count > 2 ? interfaceNumber(py, 2) : '0'})`;
  }
  return py.arg(1);
}

/** Argument i as the interface number Python's IPv6 options take: a number as it is, a name through if_nametoindex. */
function interfaceNumber(py: PyContext, i: number): string {
  return py.type(i) === 'int' ? py.arg(i) : `if_nametoindex(${py.text(i)})`;
}
