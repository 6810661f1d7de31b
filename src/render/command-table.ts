import { SOCKET_OPTION_TABLE, SOCKET_OPTIONS, type OptionRoute } from '../engine/index.js';
import type { CommandDef } from '../spec/command.js';

/** The README's command table, generated from the command table so the two cannot drift apart. */
export function markdownCommandTable(commands: readonly CommandDef[]): string {
  const rows = commands.map((c) => {
    const python = 'code' in c.python ? `\`${c.python.code}\`` : `none: ${c.python.none}`;
    return `| \`${c.usage.replace(/\|/g, '\\|')}\` | ${c.summary.replace(/\|/g, '\\|')} | ${python.replace(/\|/g, '\\|')} |`;
  });
  return ['| command | what it does | Python |', '|---|---|---|', ...rows].join('\n');
}

/** How each transport takes an option, in the README's words. */
const ROUTE_WORDS: Record<OptionRoute, string> = {
  node: 'yes',
  addon: 'yes (native addon)',
  ENOPROTOOPT: 'no: ENOPROTOOPT, as Linux',
  EINVAL: 'no: EINVAL, as Linux',
  EPROTO: 'no: EPROTO, as Linux',
};

/** The README's socket option table, generated from the engine's (engine/options.ts). */
export function markdownOptionTable(): string {
  const rows = SOCKET_OPTIONS.map((option) => {
    const o = SOCKET_OPTION_TABLE[option];
    return `| \`${option}\` | \`${o.level}\` | ${o.summary} | ${ROUTE_WORDS[o.udp]} | ${ROUTE_WORDS[o.tcp]} |`;
  });
  return ['| option | Python level | what it does | UDP | TCP |', '|---|---|---|---|---|', ...rows].join('\n');
}
