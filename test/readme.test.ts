import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/table.js';
import { markdownCommandTable, markdownOptionTable } from '../src/render/command-table.js';
import { helpCommand, helpIndex } from '../src/render/help.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README and help stay in step with the command table', () => {
  it('the README command table is the generated one (paste the expected text into README.md if not)', () => {
    expect(readme).toContain(markdownCommandTable(COMMANDS));
  });

  it('the README socket option table is the generated one (engine/options.ts)', () => {
    expect(readme).toContain(markdownOptionTable());
  });

  it('every command has a usage starting with its name, a summary, an example, and a Python call or a reason', () => {
    for (const c of COMMANDS) {
      expect(c.usage.startsWith(c.name), c.name).toBe(true);
      expect(c.summary.length, c.name).toBeGreaterThan(10);
      expect(c.example.length, c.name).toBeGreaterThan(0);
      expect('code' in c.python ? c.python.code : c.python.none, c.name).not.toBe('');
      // Each argument is in the usage: by its name, by its choices (rd|wr|rdwr), or as ... when it takes the rest.
      for (const form of c.forms) {
        for (const arg of form) {
          const shown =
            arg.rest === true && c.usage.includes('...')
              ? '...'
              : arg.choices && !c.usage.includes(arg.name)
                ? arg.choices.join('|')
                : arg.name;
          expect(c.usage, `${c.name} ${arg.name}`).toContain(shown);
        }
      }
    }
  });

  it('help lists every command', () => {
    const index = helpIndex(COMMANDS);
    for (const c of COMMANDS) expect(index).toContain(c.usage);
  });

  it('help COMMAND shows the Python call and an example', () => {
    const recvfrom = COMMANDS.find((c) => c.name === 'recvfrom')!;
    expect(helpCommand(recvfrom)).toMatchInlineSnapshot(`
      "usage: recvfrom BUFSIZE
        Wait for one datagram; returns (data, sender's address)
        Python:  message, clientAddress = s.recvfrom(2048)
        Example: message, clientAddress = serverSocket.recvfrom 2048
        On a named socket: NAME.recvfrom …; bare, it acts on the current socket (shown in the prompt)."
    `);
  });

  it('the README test command is what .ci/run runs', () => {
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('npm test');
    expect(ci).toMatch(/^npm test$/m);
  });
});
