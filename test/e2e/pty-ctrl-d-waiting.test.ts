import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * Ctrl-D while a call waits cancels it as Ctrl-C does (its `^C … cancelled` line is recorded so, for a
 * transcript's replay), then leaves the shell, which closes every socket. New-user trial 7: the last
 * words on the screen were "the socket stays open and keeps its queued data", and then the shell was
 * gone with its sockets.
 */
describe.runIf(hasScript)('Ctrl-D while a call waits, at a terminal', () => {
  it('says that the shell leaves and closes its sockets, after the cancelled call', async () => {
    const { child, screen, waitFor, exited, kill } = atTerminal('');
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await waitFor(/sockshell u> $/, 'the first socket');
      child.stdin.write('s = tcp.listen 127.0.0.1 0\r');
      await waitFor(/sockshell s> $/, 'the welcoming socket');
      child.stdin.write('c, a = s.accept\r');
      await waitFor(/waiting for a client[^\n]*\r*\n$/, 'accept waiting');
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
      expect(screen()).toMatch(/\^C accept cancelled[^\n]*\r*\n# Ctrl-D: the shell leaves and closes its 2 sockets \(u, s\)[^\n]*\r*\n$/);
    } finally {
      kill();
    }
  });

  it('Ctrl-D at an idle prompt leaves without a word, as before', async () => {
    const { child, screen, waitFor, exited, kill } = atTerminal('');
    try {
      await waitFor(/sockshell> $/, 'first prompt');
      child.stdin.write('u = udp.bind 127.0.0.1 0\r');
      await waitFor(/sockshell u> $/, 'the socket');
      child.stdin.write('\x04');
      expect(await exited).toBe(0);
      expect(screen()).not.toContain('Ctrl-D:');
    } finally {
      kill();
    }
  });
});
