import { readdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

export interface CompletionSources {
  readonly commands: readonly string[];
  /** The calls NAME. completes to: a socket's, of its transport alone; every socket call for a name that holds none. */
  readonly methods: (owner: string) => readonly string[];
  /** Names of open sockets. */
  readonly sockets: () => readonly string[];
  readonly variables: () => readonly string[];
  /** Variables that hold an open socket: NAME. completes to their methods. */
  readonly socketVariables: () => readonly string[];
  /** The words argument `index` of `command` takes, if a fixed set (socket names, rd|wr|rdwr...). */
  readonly argChoices: (command: string, index: number) => readonly string[];
}

/**
 * Tab completion for one line: commands at the start (or after `=`), NAME.method after a socket
 * name, $variables anywhere, .sock files after `run`, and for other arguments the words the command
 * table lists for them (socket names after `use`, commands after `help`, SO_... after `setsockopt`).
 * Returns readline's [candidates, the fragment they complete].
 */
export function complete(line: string, src: CompletionSources): [string[], string] {
  const words = line.split(/\s+/);
  const fragment = words[words.length - 1] ?? '';
  const before = words.slice(0, -1).filter((w) => w !== '');
  const previous = before[before.length - 1];
  const atCommand = before.length === 0 || previous === '=' || /^[A-Za-z_]\w*,$/.test(previous ?? '');
  let candidates: string[];
  let wholeWord = false; // an argument from the command table's choices, not a prefix of a longer path or NAME.call
  if (fragment.startsWith('$')) {
    candidates = src.variables().map((v) => `$${v}`);
  } else if (atCommand && fragment.includes('.') && !/^(udp|tcp)\./.test(fragment)) {
    const owner = fragment.slice(0, fragment.indexOf('.'));
    candidates = src.methods(owner).map((m) => `${owner}.${m}`);
  } else if (atCommand) {
    const named = [...new Set([...src.sockets(), ...src.socketVariables()])].filter((n) => n !== '_').map((n) => `${n}.`);
    candidates = [...src.commands, ...named];
  } else {
    const eq = before.lastIndexOf('=');
    const head = before[eq + 1] ?? '';
    const command = src.commands.includes(head) ? head : head.slice(head.indexOf('.') + 1);
    const index = before.slice(eq + 2).filter((w) => !/^-\w/.test(w)).length;
    wholeWord = !(command === 'run' && index === 0);
    candidates = wholeWord ? [...src.argChoices(command, index)] : files(fragment);
  }
  const hits = candidates.filter((c) => c.startsWith(fragment)).sort();
  // A lone argument word is finished: a space after it, so the next one can be typed at once.
  if (hits.length === 1 && wholeWord) return [[`${hits[0]} `], fragment];
  return [hits, fragment];
}

function files(fragment: string): string[] {
  const dir = fragment.endsWith('/') ? fragment : dirname(fragment);
  try {
    return readdirSync(dir === '' ? '.' : dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.name.endsWith('.sock'))
      .map((e) => {
        const path = dir === '.' && !fragment.startsWith('./') ? e.name : join(dir, e.name);
        return e.isDirectory() ? `${path}/` : path;
      })
      .filter((p) => basename(p) !== '');
  } catch {
    return [];
  }
}
