import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * `log on` at a terminal (user trial): a datagram that arrives while the prompt waits is logged on
 * a line of its own above the prompt, as a notice is, not glued after `sockshell u> `.
 */
describe.runIf(hasScript)('the traffic log at a real terminal', () => {
  it('draws an arrival between commands above the prompt', async () => {
    const { child, screen, waitFor, exited, kill } = atTerminal('');
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await waitFor(/sockshell u> $/, 'prompt with u');
      const port = /# u bound to \('127\.0\.0\.1', (\d+)\)/.exec(screen())![1]!;
      child.stdin.write('log on --text\r');
      await waitFor(/traffic log on[^\n]*\r*\nsockshell u> $/, 'log on');
      const sent = spawnSync('python3', [
        '-c',
        `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'ping', ('127.0.0.1', ${port}))`,
      ]);
      expect(sent.status).toBe(0);
      await waitFor(/< \S+ u 127\.0\.0\.1:\d+ < 127\.0\.0\.1:\d+ UDP 4 bytes/, 'the datagram logged');
      await waitFor(/sockshell u> $/, 'the prompt again below it');
      // The entry starts a line: the prompt it arrived at is left above it, empty.
      expect(screen()).toMatch(/sockshell u> \r*\n< \S+ u 127\.0\.0\.1:\d+ < 127\.0\.0\.1:\d+ UDP 4 bytes/);
      expect(screen()).not.toMatch(/sockshell u> < /);
      child.stdin.write('exit\r');
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  });
});
