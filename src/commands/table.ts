import type { Grammar } from '../lang/parser.js';
import { builtins } from './builtins.js';
import { exportCommand } from './export-command.js';
import { saveCommand } from './save-command.js';
import { diagramCommand } from './diagram-command.js';
import { insightCommands } from './insight-commands.js';
import { fileCalls } from './file-calls.js';
import { sessionCommands } from './session-commands.js';
import { shortcuts } from './shortcuts.js';
import { socketCalls } from './socket-calls.js';
import type { CommandDef } from '../spec/command.js';

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
];

export const TABLE: ReadonlyMap<string, CommandDef> = new Map(COMMANDS.map((c) => [c.name, c]));

export const GRAMMAR: Grammar = {
  isCommand: (name) => TABLE.has(name),
  isMethod: (name) => TABLE.get(name)?.method === true,
  suggest,
};

/** The closest command name within two edits, for "did you mean". */
export function suggest(name: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of TABLE.keys()) {
    // The length difference bounds the distance from below: a pasted 100 kB word costs nothing.
    if (Math.abs(name.length - candidate.length) >= bestDistance) continue;
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
