import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * What arrives on its own, at a terminal without cursor control (TERM=dumb, as atTerminal sets): each
 * arrival is drawn above the prompt as one unit with one prompt after it, and the shell's last words
 * at `exit` get no prompt after them (trial 4, and the notes of the session after it).
 */
describe.runIf(hasScript)('notices at a TERM=dumb terminal', () => {
  it('a traffic hex dump between commands gets one prompt after it, not one after each line', async () => {
    const t = atTerminal('');
    const peer = createSocket('udp4');
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      t.child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await t.waitFor(/# u bound to \('127\.0\.0\.1', (\d+)\)[^]*sockshell u> $/, 'u bound');
      const port = Number(/# u bound to \('127\.0\.0\.1', (\d+)\)/.exec(t.screen())![1]);
      t.child.stdin.write('log on\r');
      await t.waitFor(/traffic log on[^\n]*\r*\nsockshell u> $/, 'log on');
      const shown = t.screen().length;
      peer.send(Buffer.from('line one\nline two\n'.repeat(3)), port, '127.0.0.1');
      await t.waitFor(/is waiting; recvfrom will return it\r*\nsockshell u> $/, 'the datagram told');
      const arrival = t.screen().slice(shown).replace(/\r/g, '');
      // The dump's six lines and the waiting notice, then the prompt once.
      expect(arrival).toMatch(/^\n< [^\n]* UDP 54 bytes\n( {2}0000[^\n]*\n){5}\[u\] a datagram of 54 bytes [^\n]*\nsockshell u> $/);
      expect(arrival.match(/sockshell u> /g)).toHaveLength(1);
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      peer.close();
      t.kill();
    }
  });

  it('a job started with & gets one prompt; exit with it running says it stopped and draws no prompt after', async () => {
    const t = atTerminal('');
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      t.child.stdin.write('z = udp.bind 127.0.0.1 0\r');
      await t.waitFor(/sockshell z> $/, 'z bound');
      t.child.stdin.write('z.recvfrom 100 &\r');
      await t.waitFor(/\[1\] z\.recvfrom 100\r*\nsockshell z> $/, 'the job started');
      t.child.stdin.write('print after\r');
      await t.waitFor(/\nafter\r*\nsockshell z> $/, 'the next command');
      // One prompt after the job's first line: it was two, the held line drawn above a prompt of its own.
      expect(t.screen()).toMatch(/z\.recvfrom 100 &\r*\n\[1\] z\.recvfrom 100\r*\nsockshell z> print after/);
      t.child.stdin.write('exit\r');
      expect(await t.exited).toBe(0);
      expect(t.screen().replace(/\r/g, '')).toMatch(/sockshell z> exit\n\[1\] stopped: z\.recvfrom 100\n$/);
    } finally {
      t.kill();
    }
  });
});
