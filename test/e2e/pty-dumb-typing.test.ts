import { describe, expect, it } from 'vitest';
import { udpRecvfromWaiting } from '../helpers/pty-udp.js';
import { hasScript } from '../helpers/terminal.js';

/**
 * Typing ahead at a TERM=dumb terminal (no cursor movement: readline only writes its prompt). Text
 * typed while a call waited was drawn as `print aftersockshell u> ` when the call ended (trial 10's
 * left-alone list), and a line half typed at the prompt vanished from the screen under a notice while
 * it stayed in readline's buffer, so the next command ran as `abcu.recvfrom 100`. What was typed
 * shows after the prompt, on a row of its own, as on a terminal that can move the cursor.
 */
describe.runIf(hasScript)('typing ahead at TERM=dumb', () => {
  it('the prompt comes on a row of its own, with what was typed after it', async () => {
    const { t, rows, shows, port, peer, end } = await udpRecvfromWaiting('dumb');
    try {
      t.child.stdin.write('print after');
      await shows(/\nprint after$/, 'the typing echoed');
      peer.send('ping', port, '127.0.0.1');
      await shows(/\(b'ping', \('127\.0\.0\.1', \d+\)\)[^]*\nsockshell u> print after$/, 'the reply, then the prompt and the typing');
      expect(rows().filter((r) => /print after.*sockshell/.test(r))).toEqual([]);
      t.child.stdin.write('\r');
      await shows(/\nafter\nsockshell u>$/, 'the typed command ran');

      // At the prompt: half a line typed, then a datagram's notice drawn above it.
      t.child.stdin.write('abc');
      await shows(/\nsockshell u> abc$/, 'half a line typed');
      peer.send('x', port, '127.0.0.1');
      await shows(/is waiting; recvfrom will return it\nsockshell u> abc$/, 'the notice, then the prompt and the half line');
      t.child.stdin.write('.recvfrom 100\r'); // what the screen shows is what runs
      await shows(/no socket named 'abc'/, 'the line as shown, run');
      t.child.stdin.write('\x04');
      await t.exited;
    } finally {
      end();
    }
  });
});
