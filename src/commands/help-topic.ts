import { topic } from '../explain/topics.js';
import { proseWidth, wrapWords } from '../render/wrap.js';
import type { CommandDef } from '../spec/command.js';

/**
 * `help udp`, `help pipe`: not a command, but a word of the chapter. The commands it begins (udp.socket,
 * udp.bind) and what explain says of it, instead of a did-you-mean that would offer `use`. Broken at
 * spaces at a terminal (columns), as the screen never reflows a display line; one line in a pipe.
 */
export function familyOrTopic(word: string, table: ReadonlyMap<string, CommandDef>, columns: number | undefined): string | null {
  const family = [...table.keys()].filter((n) => n.toLowerCase().startsWith(`${word.toLowerCase()}.`));
  const explained = topic(word);
  if (family.length === 0 && explained === null) return null;
  const commands = family.length > 0 ? `the ${word} commands are ${family.join(', ')}; ` : '';
  const idea = explained !== null ? `explain ${explained.key} says what ${explained.key} is; ` : '';
  const said = `${word} is not a command: ${commands}${idea}help lists them all`;
  return wrapWords(said, columns === undefined ? undefined : proseWidth(columns)).join('\n');
}
