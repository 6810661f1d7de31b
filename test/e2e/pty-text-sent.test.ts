import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * Student trial, B: the textbook's `message.encode()` at a real terminal. The line `input` returns is
 * a str; sending it says once, in a `#` line, that it went as its UTF-8 bytes and how Python writes
 * that, as Python's sendto refuses a str. The second send of it says nothing more.
 */
describe.runIf(hasScript)('a str sent at a real terminal', () => {
  it('says once that the text went as its UTF-8 bytes, which Python writes .encode()', async () => {
    const { child, screen, waitFor, exited, kill } = atTerminal('', {}, { size: { columns: 200, rows: 50 } });
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await waitFor(/sockshell u> $/, 'prompt with u');
      child.stdin.write("message = input 'Input lowercase sentence:'\r");
      await waitFor(/Input lowercase sentence:$/, 'the input prompt');
      child.stdin.write('hello world\r');
      await waitFor(/hello world\r*\nsockshell u> $/, 'the prompt after input');
      child.stdin.write('a = u.getsockname\r');
      await waitFor(/a = u\.getsockname\r*\nsockshell u> $/, 'the address kept');
      child.stdin.write('u.sendto $message $a\r');
      await waitFor(/\r*\n11\r*\n/, "sendto's count");
      child.stdin.write('u.sendto $message $a\r');
      await waitFor(/\r*\n11\r*\n[^]*\r*\n11\r*\n/, 'the second count');
      const said = screen().match(/# message is text \(a str\): [^\r\n]*/g) ?? [];
      expect(said).toEqual([
        "# message is text (a str): it went as its UTF-8 bytes, b'hello world', which Python writes message.encode(); Python's sendto takes bytes only, and a str raises TypeError (explain encode)",
      ]);
      child.stdin.write('exit\r');
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  });
});
