import type { CommandDef, Group } from '../spec/command.js';
import { wrapWords } from './wrap.js';

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
 * The chapter's order (Kurose & Ross §2.7): UDP first, then the TCP client, then the TCP server,
 * then the commands for looking closer. A command not named here goes to its group's section at
 * the end, so a new command is listed without an entry here.
 */
const CHAPTER: readonly (readonly [string, readonly string[]])[] = [
  [
    'UDP (UDPClient, UDPServer): no connection; each datagram names its destination',
    ['udp.socket', 'sendto', 'recvfrom', 'bind', 'udp.bind'],
  ],
  [
    'TCP client (TCPClient): connect makes the handshake; send needs no address',
    ['tcp.socket', 'connect', 'send', 'recv', 'close', 'tcp.connect'],
  ],
  ['TCP server (TCPServer): a welcoming socket, and a connection socket per client', ['listen', 'accept', 'tcp.listen', 'shutdown']],
  ['Looking closer', ['lesson', 'explain', 'sockets', 'diagram', 'trace', 'getsockname', 'getpeername', 'hexdump', 'display']],
];

const REST: Readonly<Record<Group, string>> = {
  socket: 'More socket calls',
  shortcut: 'More socket calls',
  value: 'Values',
  session: 'Session',
};

/** The commands in sections, in the chapter's order; every command exactly once. */
export function chapterSections(commands: readonly CommandDef[]): [string, CommandDef[]][] {
  const byName = new Map(commands.map((c) => [c.name, c]));
  const placed = new Set<string>();
  const sections: [string, CommandDef[]][] = [];
  for (const [title, names] of CHAPTER) {
    const defs = names.flatMap((n) => byName.get(n) ?? []);
    defs.forEach((d) => placed.add(d.name));
    sections.push([title, defs]);
  }
  for (const c of commands) {
    if (placed.has(c.name)) continue;
    const title = REST[c.group];
    let section = sections.find(([t]) => t === title);
    if (section === undefined) sections.push((section = [title, []]));
    section[1].push(c);
  }
  return sections.filter(([, defs]) => defs.length > 0);
}

/** `help`: the commands' names by section, a screenful at 80 columns; `help all` has a line each. */
export function helpOverview(commands: readonly CommandDef[], terminalColumns?: number): string {
  const columns = terminalColumns === undefined ? 79 : terminalColumns - 1;
  const lines: string[] = [];
  for (const [title, defs] of chapterSections(commands)) {
    lines.push(...wrapWords(`${title}:`, columns, '', '  '));
    lines.push(...wrapWords(defs.map((d) => d.name).join('  '), columns, '    ', '    '));
  }
  lines.push(
    ...wrapWords(
      'help COMMAND shows one command with its Python call and an example; help all lists every command with its summary. New here? Type lesson.',
      columns,
    ),
  );
  return lines.join('\n');
}

/**
 * The command list (`help all`), in the chapter's sections. With the terminal's width (columns), long
 * lines wrap at spaces under their own column; without it (a pipe, a transcript) every entry is one
 * line, whatever its length.
 */
export function helpIndex(commands: readonly CommandDef[], terminalColumns?: number): string {
  // One short of the width: a line that fills the last column makes some terminals add a blank line.
  const columns = terminalColumns === undefined ? undefined : terminalColumns - 1;
  const width = Math.max(...commands.map((c) => c.usage.length)) + 2;
  const lines: string[] = [];
  for (const [title, defs] of chapterSections(commands)) {
    lines.push(...wrapWords(`${title}:`, columns, '', '  '));
    for (const c of defs) {
      if (columns !== undefined && columns - 2 - width < MIN_SUMMARY) {
        // A usage longer than the terminal (tls.connect's flags) wraps too, under its own start.
        lines.push(...wrapWords(c.usage, columns, '  ', '    '), ...wrapWords(c.summary, columns, '      ', '      '));
      } else lines.push(...wrapWords(c.summary, columns, `  ${c.usage.padEnd(width)}`, ' '.repeat(2 + width)));
    }
    lines.push('');
  }
  for (const text of [
    'Socket calls: write NAME.call, or just call for the current socket (shown in the prompt).',
    'Values: name = COMMAND ..., a, b = COMMAND ..., name = VALUE; $name and ${name} read them; $_ is the last result.',
    "Quotes: 'single' is literal ('' is the empty string); \"double\" takes \\n \\r \\t \\\\ \\\" \\xHH and $name.",
    'Blocks: while COND … end, repeat N … end, if COND … [else …] end, break, continue. # starts a comment.',
    'Type help COMMAND for its Python call and an example.',
  ]) {
    lines.push(...wrapWords(text, columns, '', '  '));
  }
  return lines.join('\n');
}

/**
 * One command: usage, summary, flags, Python, example and notes. With columns (a terminal) every
 * line wraps at spaces under its own start, as the command list does, so no word is cut at the edge.
 */
export function helpCommand(c: CommandDef, terminalColumns?: number): string {
  const columns = terminalColumns === undefined ? undefined : terminalColumns - 1; // as helpIndex: a full last column can add a blank line
  const lines = [...wrapWords(c.usage, columns, 'usage: ', '       '), ...wrapWords(c.summary, columns, '  ', '  ')];
  // A valued flag shows the word it takes (--svg FILE), by its argument's name.
  const takes = (flag: string): string => (c.valued?.[flag] === undefined ? '' : ` ${c.valued[flag].name}`);
  if (c.flags)
    for (const [flag, text] of Object.entries(c.flags))
      lines.push(...wrapWords(text, columns, `  ${flag.length === 1 ? '-' : '--'}${flag}${takes(flag)}: `, '      '));
  const python = 'python' in c && 'code' in c.python ? c.python.code : `none; ${(c.python as { none: string }).none}`;
  lines.push(...wrapWords(python, columns, '  Python:  ', ' '.repeat(11)), ...wrapWords(c.example, columns, '  Example: ', ' '.repeat(11)));
  for (const note of c.notes ?? []) {
    const indent = /^ */.exec(note)![0];
    lines.push(...wrapWords(note.trimStart(), columns, `  ${indent}`, `  ${indent}    `));
  }
  if (c.method) {
    const text = `On a named socket: NAME.${c.name} …; bare, it acts on the current socket (shown in the prompt).`;
    lines.push(...wrapWords(text, columns, '  ', '  '));
  }
  if (c.transport !== undefined) {
    const [own, other] = c.transport === 'tcp' ? ['TCP', 'UDP'] : ['UDP', 'TCP'];
    lines.push(...wrapWords(`${own} sockets only: a ${other} socket has no ${c.name}.`, columns, '  ', '  '));
  }
  return lines.join('\n');
}
