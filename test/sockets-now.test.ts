import { expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';

/**
 * `sockets` right after the peer's FIN, reset or bytes reached the kernel: piped lines run one after
 * another without a turn of the event loop between them, so the shell had not read what the kernel
 * held, and the table said ESTABLISHED with 0 B where ss said CLOSE-WAIT with the bytes (a typed
 * session, whose turns come between keystrokes, hid it). `sockets` now has the kernel's news told
 * first, as the connection's own events.
 */
function rowOf(table: string, name: string): string {
  const row = table.split('\n').find((l) => l.includes(` ${name} `) && l.includes('TCP'));
  return (row ?? '').replace(/\s+/g, ' ');
}

it('the peer sent bytes and closed: sockets says CLOSE_WAIT with them queued at once', async () => {
  const r = await pipedSession(
    [
      'l = tcp.listen 127.0.0.1 0',
      'la = l.getsockname',
      'k = tcp.connect $la',
      'a, addr = l.accept',
      'k.send hi',
      'k.close',
      'sockets',
      '',
    ].join('\n'),
  );
  expect(rowOf(r.out, 'a')).toMatch(/CLOSE_WAIT \S* ?2 B/);
});

it('the peer reset the connection: sockets says RESET at once', async () => {
  const r = await pipedSession(
    [
      'l = tcp.listen 127.0.0.1 0',
      'la = l.getsockname',
      'k = tcp.connect $la',
      'a, addr = l.accept',
      'a.send hi',
      'k.close',
      'sockets',
      '',
    ].join('\n'),
  );
  expect(rowOf(r.out, 'a')).toContain('RESET');
});
