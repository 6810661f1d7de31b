import { afterEach, expect, it } from 'vitest';
import { allLines, CoreDriver } from './helpers/core-driver.js';

/**
 * Trial 4, finding F9: the student's TCP server forgot `listen`. `s.bind '' PORT`, then a client's
 * connect to PORT is refused, and the shell said only "nothing is listening … start the server first",
 * though its own socket s holds the port. It now says which socket is bound there and what is missing,
 * as it already says when a UDP socket holds the port.
 */
let d: CoreDriver | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

it('a connect refused where a socket of the shell is bound but not listening names it and says listen', async () => {
  d = new CoreDriver();
  await d.ok('s = tcp.socket', "s.bind '' 0");
  const port = /, (\d+)\)/.exec(allLines(await d.run('s.getsockname')))![1]!;
  const ran = await d.run(`c = tcp.connect 127.0.0.1 ${port}`);
  expect(ran.err).toMatch(/ECONNREFUSED/);
  expect(ran.out).toContain(
    `# s is bound to ('0.0.0.0', ${port}) but not listening: a connect there is refused until s.listen makes it a welcoming socket`,
  );
  // Once it listens, the same connect is the handshake.
  await d.ok('s.listen 1', `c = tcp.connect 127.0.0.1 ${port}`);
});
