import { expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';

/**
 * Every view that shows what the sockets are has the kernel's news told first (Engine.settle, the step
 * the command table's showsSockets asks of the interpreter), not `sockets` alone: piped lines run
 * without a turn of the event loop between them, so after the peer's reset the diagram and explain
 * had not heard of it ("nothing has gone wrong yet") where `sockets` said RESET.
 */
const RESET = ['l = tcp.listen 127.0.0.1 0', 'la = l.getsockname', 'k = tcp.connect $la', 'a, addr = l.accept', 'a.send hi', 'k.close'];

it('explain right after the peer reset the connection tells of the reset', async () => {
  const r = await pipedSession([...RESET, 'explain', ''].join('\n'));
  expect(r.out).not.toContain('nothing has gone wrong yet');
  expect(r.out).toMatch(/ECONNRESET|reset/);
});

it('diagram right after the peer reset the connection draws the reset on the connection', async () => {
  const before = await pipedSession([...RESET.slice(0, 5), 'diagram', ''].join('\n'));
  const after = await pipedSession([...RESET, 'diagram', ''].join('\n'));
  expect(before.out).not.toMatch(/RST|reset/);
  expect(after.out).toMatch(/RST|reset/);
});
