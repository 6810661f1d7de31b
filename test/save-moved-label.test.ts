import { afterEach, expect, it } from 'vitest';
import { ReplDriver } from './helpers/repl-driver.js';

/**
 * Trial 4, finding F5: `save FILE NAME` keeps the sockets NAME labels, as `diagram NAME` draws them.
 * A student who forgot bind typed `serverSocket = tcp.socket`, `serverSocket.listen 1` (the OS picked a
 * port) and a whole server loop; then `serverSocket = tcp.socket` again (the old one stays open, as
 * serverSocket2), bind, listen, the loop. `save server.sock serverSocket` kept both, so the script
 * ran the first loop on the OS's port for ever and never reached the right one.
 */
let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

/** The script lines, without the header comments. */
const body = (script: string): string[] => script.split('\n').filter((l) => l !== '' && !l.startsWith('# '));

it('save NAME leaves out the socket the label moved away from, which is open under its new label', async () => {
  repl = new ReplDriver();
  for (const line of [
    'serverSocket = tcp.socket',
    'serverSocket.listen 1', // forgot bind: the OS picks a port
    'serverSocket = tcp.socket', // the old one stays open as serverSocket2
    "serverSocket.bind '' 0",
    'serverSocket.listen 1',
  ])
    expect((await repl.type(line)).err).toBe('');
  const saved = await repl.type('save - serverSocket');
  expect(saved.err).toBe('');
  expect(body(saved.out)).toEqual(['serverSocket = tcp.socket', "serverSocket.bind '' 0", 'serverSocket.listen 1']);
  // Under its new label, the old socket is still there to keep.
  const old = await repl.type('save - serverSocket2');
  expect(body(old.out)).toEqual(['serverSocket = tcp.socket', 'serverSocket.listen 1']);
});
