import type { Grammar } from '../lang/grammar.js';
import { closest } from '../lang/closest.js';
import { builtins } from './builtins.js';
import { exportCommand } from './export-command.js';
import { saveCommand } from './save-command.js';
import { diagramCommand } from './diagram-command.js';
import { lessonCommand } from './lesson-command.js';
import { insightCommands } from './insight-commands.js';
import { fileCalls } from './file-calls.js';
import { sessionCommands } from './session-commands.js';
import { shortcuts } from './shortcuts.js';
import { socketCalls } from './socket-calls.js';
import type { CommandDef } from '../spec/command.js';
import { streamCommands } from './stream-commands.js';
import { logCommand } from './log-command.js';
import { streamReads } from './stream-reads.js';
import { structCalls } from './struct-calls.js';
import { writeCommand } from './write-command.js';
import { relayCommand } from './relay-command.js';
import { serveCommand } from './serve-command.js';
import { tlsCalls } from './tls-calls.js';
import { unixCalls } from './unix-calls.js';

/** Every command, in help order. Help, completion, validation and the README table read this. */
export const COMMANDS: readonly CommandDef[] = [
  ...socketCalls,
  ...fileCalls,
  ...shortcuts,
  ...builtins,
  ...insightCommands,
  ...sessionCommands,
  exportCommand,
  saveCommand,
  diagramCommand,
  ...streamCommands,
  logCommand,
  lessonCommand,
  ...streamReads,
  ...structCalls,
  writeCommand,
  relayCommand,
  serveCommand,
  ...tlsCalls,
  ...unixCalls,
];

export const TABLE: ReadonlyMap<string, CommandDef> = new Map(COMMANDS.map((c) => [c.name, c]));

export const GRAMMAR: Grammar = {
  isCommand: (name) => TABLE.has(name),
  isMethod: (name) => TABLE.get(name)?.method === true,
  suggest,
  isFamily: (prefix) => FAMILIES.has(prefix),
};

/** `udp` and `tcp`: the heads of the commands spelled with a dot. */
const FAMILIES: ReadonlySet<string> = new Set(COMMANDS.flatMap((c) => (c.name.includes('.') ? [c.name.split('.')[0]!] : [])));

/**
 * The closest command name within two edits, for "did you mean"; one edit for names of three letters
 * or fewer, where two edits change most of the word (foo is not a typo of log).
 */
export function suggest(name: string): string | null {
  return closest(name, TABLE.keys(), name.length <= 3 ? 1 : 2);
}
