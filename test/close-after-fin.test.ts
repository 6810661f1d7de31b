import { createServer, type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * User trial 6: a notice held back while a block ran ("[c] 5 bytes are waiting; recv will return
 * them") came out after the block had closed c, where no recv can return them.
 */
let d: CoreDriver | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

it('a notice held back while a block ran is not shown when the block closed its socket meanwhile', async () => {
  const server = createServer((s) => s.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  d = new CoreDriver();
  const r = await d.run(['repeat 1', `c = tcp.connect 127.0.0.1 ${port}`, 'sleep 0.2', 'c.close', 'end'].join('\n'));
  server.close();
  const texts = r.lines.map((l) => l.text);
  expect(texts.at(-1)).toMatch(/^warning: c was closed with 5 bytes unread/);
  expect(texts.filter((t) => t.startsWith('[c]'))).toEqual([]); // "[c] 5 bytes are waiting; recv will return them" was
});
