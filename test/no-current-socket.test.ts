import { afterEach, describe, expect, it } from 'vitest';
import { ReplDriver } from './helpers/repl-driver.js';

/**
 * New-user trial 7: after `x.close` the prompt has no current socket, and a bare `recvfrom 2048` said
 * "create one first" while serverSocket was open. The error names the open sockets and the two ways on.
 */
let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

describe('a bare call with no current socket', () => {
  it('names the open sockets when the current one was closed', async () => {
    repl = new ReplDriver();
    await repl.type('serverSocket = udp.bind 127.0.0.1 0');
    await repl.type('x = udp.bind 127.0.0.1 0');
    await repl.type('x.close');
    const bare = await repl.type('recvfrom 2048');
    expect(bare.err).not.toContain('create one first');
    expect(bare.err).toContain('write serverSocket.recvfrom, or use serverSocket (open: serverSocket)');
  });

  it('says to create one when none is open', async () => {
    repl = new ReplDriver();
    expect((await repl.type('recvfrom 2048')).err).toContain('create one first');
  });
});
