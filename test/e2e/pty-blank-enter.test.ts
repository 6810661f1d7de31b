import { describe, expect, it } from 'vitest';
import { udpRecvfromWaiting } from '../helpers/pty-udp.js';
import { hasScript } from '../helpers/terminal.js';

/**
 * Enter on an empty line while a command waits, at a real terminal (xterm, so readline redraws as it
 * does for a person; trial 9's left-alone list): a prompt drawn then said the shell was ready while
 * the call still waited, and the call's output came after it. As in bash, the Enter only moves the
 * cursor down; the prompt comes when the call ends, once.
 */
describe.runIf(hasScript)('a blank Enter while a command runs', () => {
  it('draws no prompt until the command ends, and then one', async () => {
    const { t, rows, shows, port, peer, end } = await udpRecvfromWaiting('xterm');
    try {
      // The blank line, then a marker typed but not entered: once it is echoed, the blank has been handled.
      t.child.stdin.write('\r');
      t.child.stdin.write('print after');
      await shows(/print after$/, 'the marker echoed');
      const waiting = rows();
      const from = waiting.indexOf('sockshell u> u.recvfrom 100');
      expect(from).toBeGreaterThan(0);
      expect(waiting.slice(from + 1).filter((r) => r.startsWith('sockshell'))).toEqual([]);
      peer.send('ping', port, '127.0.0.1');
      await shows(/\(b'ping', \('127\.0\.0\.1', \d+\)\)[^]*\nsockshell u> print after$/, 'the reply and the prompt');
      expect(
        rows()
          .slice(from + 1)
          .filter((r) => r.startsWith('sockshell')),
      ).toEqual(['sockshell u> print after']);
      t.child.stdin.write('\r');
      await shows(/\nafter\nsockshell u>$/, 'the typed command ran');
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      end();
    }
  });
});
