import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * New-user trial 7, at an 80-column terminal: `help udp` ran past the edge and the terminal cut it
 * mid-word (`explain udp say` / `s what udp is`), and `help`'s list of names went on with a row
 * indented one column more than its first (`     display`).
 */
async function shown(command: string): Promise<string[]> {
  const t = atTerminal('', {}, { size: { columns: 80, rows: 50 } });
  try {
    await t.waitFor(/sockshell> $/, 'first prompt');
    t.child.stdin.write(`${command}\r`);
    await t.waitFor(new RegExp(`${command}\\r*\\n[^]*sockshell> $`), `what ${command} shows`);
    const plain = t.screen().replace(/\r/g, '');
    const rest = plain.slice(plain.lastIndexOf(`sockshell> ${command}\n`) + `sockshell> ${command}\n`.length);
    return rest.slice(0, rest.lastIndexOf('sockshell> ')).replace(/\n$/, '').split('\n');
  } finally {
    t.kill();
  }
}

describe.runIf(hasScript)('help at an 80-column terminal', () => {
  it('help TOPIC (a word of the chapter, not a command) is broken at spaces within the width', async () => {
    const lines = await shown('help udp');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length, l).toBeLessThan(80);
    expect(lines.join(' ')).toContain('explain udp says what udp is');
  });

  it("help's rows of command names all start at the same column", async () => {
    const lines = await shown('help');
    const rows = lines.filter((l) => l.startsWith('  '));
    expect(rows.length).toBeGreaterThan(7);
    for (const l of lines) expect(l.length, l).toBeLessThan(80);
    for (const r of rows) expect(r, r).toMatch(/^ {4}\S/);
  });
});
