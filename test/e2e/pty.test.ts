import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sockshell } from '../helpers/proc.js';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/** The REPL at a real pseudo-terminal (see helpers/terminal.ts). */
describe.runIf(hasScript)('REPL at a real terminal', () => {
  it('runs commands, cancels a blocking call with Ctrl-C, keeps history, exits on Ctrl-D', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sockshell-pty-'));
    const history = join(home, 'history');
    const { child, screen, waitFor, exited } = atTerminal('', { SOCKSHELL_HISTORY: history });
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      expect(screen()).toMatch(/^Type help for the commands, explain after an error, Ctrl-D to leave\.\r*\nsockshell> $/);
      // `trace on` shows each call as Python (`>>> …`) just before the shell makes it: the sign that
      // a blocking call has started, so the test waits on that instead of a pause.
      child.stdin.write('trace on\r');
      await waitFor(/trace on\r*\nsockshell> $/, 'prompt after trace on');
      child.stdin.write('udp.bind 127.0.0.1 0\r');
      await waitFor(/sockshell udp1> $/, 'prompt with the current socket');
      expect(screen()).toMatch(/# udp1 bound to \('127\.0\.0\.1', \d+\): loopback only/);
      child.stdin.write('recvfrom 100\r');
      await waitFor(/>>> udp1\.recvfrom\(100\)\r*\n# udp1 is waiting for a datagram to [^\n]*; Ctrl-C cancels\r*\n$/, 'recvfrom under way');
      child.stdin.write('\x03');
      await waitFor(/recvfrom cancelled; the socket stays open[^]*sockshell udp1> $/, 'cancel message and prompt');
      // Lines typed while a call waits run after it, each shown after its own prompt. The timeout
      // only ends the wait; the lines are typed once the call is seen to wait.
      child.stdin.write('settimeout 2\r');
      await waitFor(/settimeout 2\r*\n>>> udp1\.settimeout\(2\)\r*\nsockshell udp1> $/, 'prompt after settimeout');
      child.stdin.write('recvfrom 100\r');
      await waitFor(
        /settimeout 2[^]*>>> udp1\.recvfrom\(100\)\r*\n# udp1 is waiting [^\n]*after 2 s[^\n]*\r*\n$/,
        'the second recvfrom under way',
      );
      child.stdin.write('print ahead1\r');
      child.stdin.write('print ahead2\r');
      await waitFor(
        /ETIMEDOUT[^]*sockshell udp1> print ahead1\r*\n>>> print\('ahead1'\)\r*\nahead1\r*\nsockshell udp1> print ahead2\r*\n>>> print\('ahead2'\)\r*\nahead2\r*\nsockshell udp1> $/,
        'typed-ahead lines after their prompts',
      );
      child.stdin.write('trace off\r');
      await waitFor(/trace off\r*\nsockshell udp1> $/, 'prompt after trace off');
      child.stdin.write('settimeout none\r');
      await waitFor(/settimeout none\r*\nsockshell udp1> $/, 'prompt after settimeout none');
      child.stdin.write('sockets\r');
      await waitFor(/udp1 .*UDP .*127\.0\.0\.1:\d+ .*BOUND[^]*sockshell udp1> $/, 'socket table');
      child.stdin.write('help recvfrom\r');
      await waitFor(/Python: {2}message, clientAddress = s\.recvfrom\(2048\)[^]*sockshell udp1> $/, 'help');
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
      expect(readFileSync(history, 'utf8')).toContain('recvfrom 100');
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('record: Ctrl-D while a call waits records its cancellation as Ctrl-C does, so the transcript replays; a line typed ahead is named as not run', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sockshell-pty-'));
    const file = join(home, 'cancelled.sockt');
    const { child, screen, waitFor, exited } = atTerminal(`record ${file}`);
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('c = udp.socket\r');
      await waitFor(/sockshell c> $/, 'prompt with the socket');
      child.stdin.write('c.bind 127.0.0.1 0\r');
      await waitFor(/loopback only[^]*sockshell c> $/, 'bound');
      child.stdin.write('c.recvfrom 2048\r');
      // The shell reads typed bytes in order and starts a call in the same turn as its Enter, so once
      // the line typed after it is echoed, the call is waiting.
      child.stdin.write('print typed-ahead\r');
      await waitFor(/print typed-ahead\r*\n/, 'the typed-ahead line echoed');
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
      expect(screen()).toMatch(
        /\^C recvfrom cancelled[^]*not run \(typed ahead of the cancelled command\): print typed-ahead\r*\n# Ctrl-D: the shell leaves and closes its socket \(c\)[^\n]*\r*\nrecorded 3 commands/,
      );
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(
        / {2}sockshell c> c\.recvfrom 2048\n {2}# c is waiting for a datagram to [^\n]*; Ctrl-C cancels\n {2}\^C recvfrom cancelled; the socket stays open and keeps its queued data\n$/,
      );
      expect(text).not.toContain('typed-ahead');
      const replayed = await sockshell(['test', '--timeout', '1', file]);
      expect(replayed.stdout).toBe(`ok      ${file}\n1 passed, 0 failed\n`);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('Ctrl-C at the prompt clears the line, drops an open block and never leaves; Ctrl-D does', async () => {
    const { child, waitFor, exited, kill } = atTerminal('');
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('print typed but not run');
      await waitFor(/print typed but not run$/, 'the typed line');
      for (let i = 0; i < 3; i++) child.stdin.write('\x03');
      await waitFor(
        /\(Ctrl-C clears the line or cancels a waiting call; Ctrl-D or exit leaves\)\r*\nsockshell> \r*\nsockshell> $/,
        'three fresh prompts',
      );
      child.stdin.write('while true\r');
      await waitFor(/\.\.\. $/, 'the block prompt');
      child.stdin.write('\x03');
      await waitFor(/\.\.\. \r*\nsockshell> $/, 'the block dropped');
      child.stdin.write('print still here\r');
      await waitFor(/\r\nstill here\r*\nsockshell> $/, 'the shell still running');
      expect(child.exitCode).toBeNull();
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  });
});
