import type { CommandDef } from '../spec/command.js';

/** The README's command table, generated from the command table so the two cannot drift apart. */
export function markdownCommandTable(commands: readonly CommandDef[]): string {
  const rows = commands.map((c) => {
    const python = 'code' in c.python ? `\`${c.python.code}\`` : `none: ${c.python.none}`;
    return `| \`${c.usage.replace(/\|/g, '\\|')}\` | ${c.summary.replace(/\|/g, '\\|')} | ${python.replace(/\|/g, '\\|')} |`;
  });
  return ['| command | what it does | Python |', '|---|---|---|', ...rows].join('\n');
}
