import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/proc.js';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * Issue 17 item 17: SIGHUP (the terminal closed, or `kill -HUP`) killed the shell in readline's raw
 * mode, and a parent shell that does not restore the terminal (dash) was left with -icanon -echo.
 * Here sh starts sockshell at a real pty, and runs `stty -a` there after it ends.
 */

/** The PID of the process running the CLI among those below `root`. */
function cliUnder(root: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline[1] !== CLI) continue;
      // Walk up: it must descend from root (another test's shell runs the same CLI).
      for (let pid = Number(entry); pid > 1;) {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (pid === root) return Number(entry);
      }
    } catch {
      // ended while we looked
    }
  }
  return null;
}

describe.runIf(hasScript)('SIGHUP at a terminal', () => {
  it('ends the shell with 129 and leaves the terminal as it was (icanon echo)', async () => {
    const { child, screen, waitFor, kill } = atTerminal('', {}, { then: 'echo "status=$status"; stty -a; echo done' });
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      const pid = cliUnder(child.pid!);
      expect(pid).not.toBeNull();
      process.kill(pid!, 'SIGHUP');
      await waitFor(/done\r?\n/, 'stty after the shell ended');
      expect(screen()).toContain('status=129');
      const modes = screen().slice(screen().indexOf('status=129'));
      expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
      expect(modes).not.toMatch(/-icanon|-echo\s/);
    } finally {
      kill();
    }
  });
});
