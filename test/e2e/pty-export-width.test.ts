import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess } from '../helpers/proc.js';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * newuser trial 3, finding 7: `export` at an 80-column terminal broke a long comment at a space and
 * went on with an indented line that was no comment (`  and run it on its own`); Python copied off
 * the screen failed with IndentationError, and a script `save` showed the same way would run the
 * continuation as a command. What a command shows as its own text (a program, a script) keeps its
 * lines; the terminal's own wrapping of a long line is soft, and copying joins it again.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-pty-export-width-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The terminal's text between two marks, as lines the program wrote (escapes and CRs gone). */
function shownBetween(screen: string, from: string, to: RegExp): string[] {
  const plain = screen.replace(/\x1b\[[?\d;]*[A-Za-z]/g, '').replace(/\r/g, '');
  const rest = plain.slice(plain.lastIndexOf(from) + from.length);
  return rest.slice(0, rest.search(to)).replace(/\n$/, '').split('\n');
}

describe.runIf(hasScript)('export and save at an 80-column terminal', () => {
  // A background run of a script exports as a comment of more than 80 columns.
  const script = join(dir, 'a-script-with-a-long-enough-name.sock');
  writeFileSync(script, 'x = 1\n');

  async function shown(command: string): Promise<string[]> {
    const t = atTerminal('', {}, { size: { columns: 80, rows: 50 } });
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      t.child.stdin.write(`run ${script} &\r`);
      await t.waitFor(/\[1\] done: /, 'the job ends');
      t.child.stdin.write(`u = udp.bind 0\r`);
      await t.waitFor(/sockshell u> $/, 'the prompt after the bind');
      t.child.stdin.write(`${command}\r`);
      await t.waitFor(new RegExp(`${command}\\r*\\n[^]*sockshell u> $`), `what ${command} shows`);
      return shownBetween(t.screen(), `sockshell u> ${command}\n`, /sockshell u> $/);
    } finally {
      t.kill();
    }
  }

  it.runIf(hasPython)('shows Python that python3 compiles, its long comment on one line', async () => {
    const lines = await shown('export');
    const long = lines.filter((l) => l.startsWith(`# run ${script}`) && l.endsWith('and run it on its own'));
    expect(long, lines.join('\n')).toHaveLength(1);
    expect(long[0]!.length).toBeGreaterThan(80);
    const file = join(dir, 'shown.py');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await runProcess('python3', ['-m', 'py_compile', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('shows a script whose every line is a statement or a comment, as save writes it', async () => {
    const lines = await shown('save');
    expect(
      lines.filter((l) => /^\s+\S/.test(l) && !/^\s*#/.test(l)),
      lines.join('\n'),
    ).toEqual([]);
  });
});
