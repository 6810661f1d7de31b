import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/table.js';
import { helpCommand, helpIndex, helpOverview } from '../src/render/help.js';
import { wrapWords } from '../src/render/wrap.js';

describe('help', () => {
  it('keeps one line per command when output is not a terminal', () => {
    const text = helpIndex(COMMANDS);
    for (const c of COMMANDS) expect(text.split('\n').filter((l) => l.startsWith(`  ${c.usage} `))).toHaveLength(1);
  });

  it.each([60, 80, 132])('wraps at spaces to a %i-column terminal, losing no word', (columns) => {
    const text = helpIndex(COMMANDS, columns);
    const lines = text.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(columns);
    const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
    expect(words(text)).toEqual(words(helpIndex(COMMANDS)));
  });

  it('a break in a two-space list starts the next row at its indent, with no trailing space (newuser trial 7)', () => {
    expect(wrapWords('aaa  bbb  ccc', 8, '  ', '  ')).toEqual(['  aaa', '  bbb', '  ccc']);
    for (const columns of [40, 60, 80, 100]) {
      // Rows of names at 4, a title's later lines at 2: none at 5 (an empty word at the break), none ending in a space.
      for (const r of helpOverview(COMMANDS, columns).split('\n'))
        expect(r, `${columns}: ${JSON.stringify(r)}`).toMatch(/^( {2}| {4})?\S(.*\S)?$/);
    }
  });

  it('puts summaries under their usage when the terminal is too narrow for two columns', () => {
    const lines = helpIndex(COMMANDS, 80).split('\n');
    const at = lines.indexOf('  recvfrom BUFSIZE');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {6}Wait for one datagram/);
  });

  // serve, relay and lesson have long summaries and flags: at 80 columns the terminal cut them mid-word ("job o/f its own").
  it.each([80, 100])('help COMMAND wraps every line at spaces to a %i-column terminal, losing no word', (columns) => {
    const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
    for (const c of COMMANDS) {
      const text = helpCommand(c, columns);
      const long = text.split('\n').filter((l) => l.length >= columns && l.trim().includes(' '));
      expect(long, c.name).toEqual([]);
      expect(words(text), c.name).toEqual(words(helpCommand(c)));
    }
  });

  // newuser trial 3, finding 10: the command table says which calls are TCP's alone; help says so too.
  it("help COMMAND says when a call is one transport's alone, and only then", () => {
    const help = (name: string) => helpCommand(COMMANDS.find((c) => c.name === name)!);
    expect(help('accept')).toContain('TCP sockets only: a UDP socket has no accept');
    expect(help('recvline')).toContain('TCP sockets only: a UDP socket has no recvline');
    for (const c of COMMANDS.filter((c) => c.method && c.transport === undefined))
      expect(helpCommand(c), c.name).not.toContain('sockets only');
  });
});
