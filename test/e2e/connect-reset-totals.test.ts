import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasPython, PEERS, sockshell, startServer } from '../helpers/proc.js';

/**
 * Trial 7, I (part 2): `sockshell connect` said its totals at every ending but a reset. A python3 peer
 * reads to the client's FIN, sends 5 bytes and aborts (SO_LINGER 0). The reset ending now says what
 * is known: the bytes the kernel took to send (what the peer acknowledged, the reset leaves unknown)
 * and the bytes received, before the error line, and the status stays 1.
 */
describe.runIf(hasPython)('sockshell connect ended by a reset', () => {
  it('says the totals, then the error', async () => {
    const peer = await startServer('python3', [join(PEERS, 'ResetPeer.py'), 'reset', 'accept', '5'], '\n');
    try {
      const port = peer.output().trim();
      const r = await sockshell(['connect', '127.0.0.1', port], { input: 'hello\n' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('xxxxx');
      const lines = r.stderr.split('\n');
      expect(lines.slice(-3)).toEqual([
        '# the peer reset the connection; sent 6 bytes (taken by the kernel: what the peer had not acknowledged was lost with the reset), received 5 bytes',
        expect.stringMatching(/^sockshell: ECONNRESET: the peer reset the connection/),
        '',
      ]);
    } finally {
      await peer.stop();
    }
  });

  it('with nothing sent, says no more of what the kernel took (newuser trial 7)', async () => {
    const peer = await startServer('python3', [join(PEERS, 'ResetPeer.py'), 'reset', 'accept', '5'], '\n');
    try {
      const port = peer.output().trim();
      const r = await sockshell(['connect', '127.0.0.1', port], { input: '' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('xxxxx');
      expect(r.stderr).toContain('\n# the peer reset the connection; sent 0 bytes, received 5 bytes\nsockshell: ECONNRESET');
    } finally {
      await peer.stop();
    }
  });
});
