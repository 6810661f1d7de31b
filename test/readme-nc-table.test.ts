import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { streamRequest, takeLog } from '../src/commandline/parse.js';

/**
 * The README's "nc / ncat / socat → sockshell" table (issue 14): each sockshell command in its right
 * column is one the command line takes as written, with the placeholders filled in. What each does
 * beside nc, ncat and socat is tried over real sockets in test/e2e/stream-cli.test.ts and
 * relay-cli.test.ts; this keeps the table from naming a flag or a form that does not exist.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('| you know | sockshell |'));
const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
const commands = rows.flatMap((row) => [...row.split('|')[2]!.matchAll(/`(sockshell [^`]+)`/g)].map((m) => m[1]!));

/** The placeholders as a user would fill them in; `< file` is the shell's, not an argument. */
function filled(command: string): string[] {
  return command
    .replace(/\s*<\s*\S+$/, '')
    .replace(/\bHOST\b/g, '127.0.0.1')
    .replace(/\bPORT\b/g, '12000')
    .replace(/\bFILE\b/g, 'traffic.log')
    .split(/\s+/)
    .slice(1);
}

describe('the README nc / ncat / socat table', () => {
  it('has its rows, and a sockshell command in most', () => {
    expect(rows.length).toBeGreaterThan(15);
    expect(commands.length).toBeGreaterThan(15);
  });

  it.each(commands)('%s is taken as written', (command) => {
    const [sub, ...argv] = filled(command);
    if (sub === 'relay') {
      // As the command line reads it: --log FILE is its own, the rest is the shell's relay command.
      const logged = takeLog(argv);
      expect(typeof logged).not.toBe('string');
      const rest = typeof logged === 'string' ? [] : logged.rest;
      expect(compile(['relay', ...rest].join(' ') + '\n').diagnostics).toEqual([]);
      return;
    }
    expect(sub === 'connect' || sub === 'listen', command).toBe(true);
    const request = streamRequest(sub as 'connect' | 'listen', argv);
    expect(typeof request === 'string' ? request : 'ok').toBe('ok');
  });
});
