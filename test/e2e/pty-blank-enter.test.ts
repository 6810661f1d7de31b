import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';
import { render } from '../helpers/vt.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Enter on an empty line while a command waits, at a real terminal (xterm, so readline redraws as it
 * does for a person; trial 9's left-alone list): a prompt drawn then said the shell was ready while
 * the call still waited, and the call's output came after it. As in bash, the Enter only moves the
 * cursor down; the prompt comes when the call ends, once.
 */
describe.runIf(hasScript)('a blank Enter while a command runs', () => {
  it('draws no prompt until the command ends, and then one', async () => {
    const t = atTerminal('', { TERM: 'xterm' }, { size: { columns: 100, rows: 40 } });
    const rows = () => render(t.screen(), 100).filter((r) => r !== '');
    const shows = (pattern: RegExp, what: string) =>
      waitFor(
        () => pattern.test(rows().join('\n')),
        () => `${what}; screen:\n${rows().join('\n')}`,
      );
    const peer = createSocket('udp4');
    try {
      await shows(/sockshell>$/, 'first prompt');
      t.child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await shows(/# u bound to \('127\.0\.0\.1', \d+\)[^]*\nsockshell u>$/, 'u bound');
      const port = Number(/# u bound to \('127\.0\.0\.1', (\d+)\)/.exec(rows().join('\n'))![1]);
      t.child.stdin.write('u.recvfrom 100\r');
      await shows(/is waiting for a datagram[^\n]*$/, 'recvfrom waiting');
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
      peer.close();
      t.kill();
    }
  });
});
