import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * newuser trial 4: at an 80-column terminal, `clientSocket.sendto $message ($serverName, $serverPort)`
 * put its carets at column 53 and the error's first word after them, an 88-column line the terminal
 * broke by itself: `expected` alone on a row, the rest of the message indented under it. Carets that
 * leave the message too little room stand alone; the message goes under them, broken at spaces.
 */
describe.runIf(hasScript)('an error whose carets are far right, at an 80-column terminal', () => {
  it('keeps every line within the terminal and the message under the carets', async () => {
    const t = atTerminal('', {}, { size: { columns: 80, rows: 40 } });
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      t.child.stdin.write('clientSocket = udp.socket\r');
      await t.waitFor(/sockshell clientSocket> $/, 'the socket');
      t.child.stdin.write('clientSocket.sendto $message ($serverName, $serverPort)\r');
      await t.waitFor(/write Python's \(host, port\) as HOST PORT\s*\r?\n[^]*sockshell clientSocket> $/, 'the error');
      const plain = t
        .screen()
        .replace(/\x1b\[[?\d;]*[A-Za-z]/g, '')
        .replace(/\r/g, '');
      const error = plain.slice(plain.lastIndexOf('$serverPort)\n') + '$serverPort)\n'.length).split('\n');
      const carets = error.findIndex((l) => /^ +\^+$/.test(l));
      expect(carets, error.join('\n')).toBe(0);
      expect(error[1], error.join('\n')).toMatch(/^ {2}expected a command after \(/);
      for (const line of error) expect(line.length, line).toBeLessThan(80);
    } finally {
      t.kill();
    }
  });
});
