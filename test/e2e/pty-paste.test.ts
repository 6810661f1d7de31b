import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * Issue 17 item 2 at a real pseudo-terminal (util-linux `script`), as a student pastes from the README:
 * the lines after a block run, in order, after it. The in-process checks are test/repl-paste.test.ts.
 */
describe.runIf(hasScript)('a paste at a real terminal', () => {
  it('runs every line after the block it follows', async () => {
    const { child, screen, waitFor, exited, kill } = atTerminal('', { SOCKSHELL_HISTORY: '' });
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('repeat 2\rprint B\rend\rprint P1\rprint P2\r');
      await waitFor(/\nP2\r*\nsockshell> $/, 'P2 printed and the prompt back');
      const printed = screen()
        .split(/\r*\n/)
        .map((l) => l.replace(/^(?:sockshell> |\.\.\. )+/, ''))
        .filter((l) => ['B', 'P1', 'P2'].includes(l));
      expect(printed).toEqual(['B', 'B', 'P1', 'P2']);
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  });
});
