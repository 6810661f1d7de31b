import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRY } from '../../src/repl/history.js';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * Issue 17 item 17, the history file: it kept answers typed to `input` (a password), an existing
 * 0644 file stayed 0644, and entries had no size cap (a 10 MB file rewritten on every Enter).
 */
describe.runIf(hasScript)('the history file', () => {
  it('is 0600 (an existing 0644 one too), keeps no input answer and no over-long entry', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sockshell-history-'));
    const history = join(home, 'history');
    writeFileSync(history, 'print from before\n');
    chmodSync(history, 0o644);
    const { child, waitFor, exited, kill } = atTerminal('', { SOCKSHELL_HISTORY: history });
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('pw = input "password: "\r');
      await waitFor(/password: $/, 'the input prompt');
      // The answer and the next command arrive together, as a paste: the command is kept.
      child.stdin.write('hunter2\rprint typed-after\r');
      await waitFor(/typed-after\r*\nsockshell> $/, 'the command after the answer');
      const long = `print ${'a'.repeat(MAX_ENTRY)}`;
      child.stdin.write(`${long}\r`);
      await waitFor(/a{100}\r*\nsockshell> $/, 'the long line run');
      child.stdin.write('print last\r');
      await waitFor(/last\r*\nsockshell> $/, 'the last command');
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
      expect(readFileSync(history, 'utf8')).toBe('print from before\npw = input "password: "\nprint typed-after\nprint last\n');
      expect(statSync(history).mode & 0o777).toBe(0o600);
    } finally {
      kill();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
