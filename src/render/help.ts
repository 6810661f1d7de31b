import type { CommandDef, Group } from '../spec/command.js';
import { wrapWords } from './wrap.js';

const GROUPS: Readonly<Record<Group, string>> = {
  socket: 'Socket calls: one Python socket call each. Write NAME.call, or just call for the current socket',
  shortcut: 'Shortcuts: several calls in one command; each says which calls it made',
  value: 'Values',
  session: 'Session',
};

/** Language keywords, for `help while` and the like. */
export const SYNTAX: Readonly<Record<string, string>> = {
  while: 'while COND … end: repeat while COND holds. COND is a value (while true) or A == B, A != B, <, <=, >, >=',
  repeat: 'repeat N … end: run the body N times',
  if: 'if COND … [else …] end: run the body when COND holds',
  break: 'break: leave the innermost while or repeat',
  continue: 'continue: go on with the next round of the innermost loop',
  end: 'end: closes while, repeat and if blocks',
};

/** Narrower than this, a command's summary goes on the line below its usage. */
const MIN_SUMMARY = 40;

/**
 * The command list. With the terminal's width (columns), long lines wrap at spaces under their own
 * column; without it (a pipe, a transcript) every entry is one line, whatever its length.
 */
export function helpIndex(commands: readonly CommandDef[], terminalColumns?: number): string {
  // One short of the width: a line that fills the last column makes some terminals add a blank line.
  const columns = terminalColumns === undefined ? undefined : terminalColumns - 1;
  const width = Math.max(...commands.map((c) => c.usage.length)) + 2;
  const lines: string[] = [];
  for (const group of Object.keys(GROUPS) as Group[]) {
    lines.push(...wrapWords(`${GROUPS[group]}:`, columns, '', '  '));
    for (const c of commands.filter((d) => d.group === group)) {
      if (columns !== undefined && columns - 2 - width < MIN_SUMMARY) {
        lines.push(`  ${c.usage}`, ...wrapWords(c.summary, columns, '      ', '      '));
      } else lines.push(...wrapWords(c.summary, columns, `  ${c.usage.padEnd(width)}`, ' '.repeat(2 + width)));
    }
    lines.push('');
  }
  for (const text of [
    'Values: name = COMMAND ..., a, b = COMMAND ..., name = VALUE; $name and ${name} read them; $_ is the last result.',
    "Quotes: 'single' is literal ('' is the empty string); \"double\" takes \\n \\r \\t \\\\ \\\" \\xHH and $name.",
    'Blocks: while COND … end, repeat N … end, if COND … [else …] end, break, continue. # starts a comment.',
    'Type help COMMAND for its Python call and an example.',
  ]) {
    lines.push(...wrapWords(text, columns, '', '  '));
  }
  return lines.join('\n');
}

export function helpCommand(c: CommandDef): string {
  const lines = [`usage: ${c.usage}`, `  ${c.summary}`];
  if (c.flags) for (const [flag, text] of Object.entries(c.flags)) lines.push(`  ${flag.length === 1 ? '-' : '--'}${flag}: ${text}`);
  lines.push(
    'python' in c && 'code' in c.python ? `  Python:  ${c.python.code}` : `  Python:  none; ${(c.python as { none: string }).none}`,
  );
  lines.push(`  Example: ${c.example}`);
  if (c.method) lines.push(`  On a named socket: NAME.${c.name} …; bare, it acts on the current socket (shown in the prompt).`);
  return lines.join('\n');
}
