import { expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';

/**
 * Closing a connection whose kernel holds bytes nobody read sends a reset, not a FIN (Linux's
 * tcp_close). Piped lines run without a turn of the event loop between them, so Node had not read
 * `a`'s 2 bytes when `k.close` came: the close was told as k's FIN, then a reset drawn after it, where
 * the kernel sent only the RST (truth trial 5).
 */
const SESSION = ['l = tcp.listen 127.0.0.1 0', 'la = l.getsockname', 'k = tcp.connect $la', 'a, addr = l.accept', 'a.send hi'];

it('k.close with 2 bytes unread in its kernel is drawn as a reset, with no FIN', async () => {
  const r = await pipedSession([...SESSION, 'k.close', 'diagram', ''].join('\n'));
  expect(r.out).toMatch(/RST/);
  expect(r.out).not.toMatch(/FIN \(close\)/);
});

it('k.close after k read the 2 bytes is a FIN, as before', async () => {
  const r = await pipedSession([...SESSION, 'k.recv 10', 'k.close', 'diagram', ''].join('\n'));
  expect(r.out).toMatch(/FIN \(close\)/);
  expect(r.out).not.toMatch(/RST/);
});
