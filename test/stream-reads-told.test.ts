import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * Developer trial 7: `x = recv 10` at the prompt says in one `#` line what came (`# x = b'abc' from
 * (...)`), as an assigned call shows no value; `y = recvline`, `head = recvuntil ...`, `body =
 * recvexactly N` and `p = peek N` said nothing at all, so what the protocol answered took a `$y` more.
 */
let d: CoreDriver | null = null;
const peers: Socket[] = [];
afterEach(async () => {
  await d?.close();
  d = null;
  for (const p of peers.splice(0)) p.destroy();
});

it('an assigned recvline, recvuntil, recvexactly and peek say what they took, as recv does', async () => {
  const server = createServer((s) => {
    peers.push(s);
    s.end('220 ready\r\nHEAD\r\n\r\nbodyXYZ');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  d = new CoreDriver();
  await d.ok(`c = tcp.connect 127.0.0.1 ${port}`);
  const from = `from ('127.0.0.1', ${port})`;
  const said = async (line: string): Promise<string[]> =>
    (await d!.run(line)).lines.filter((l) => !l.async && l.text.startsWith('# ')).map((l) => l.text);
  expect(await said('g = recvline --drop')).toEqual([`# g = b'220 ready' ${from}`]);
  expect(await said('h = recvuntil "\\r\\n\\r\\n"')).toEqual([`# h = b'HEAD\\r\\n\\r\\n' ${from}`]);
  expect(await said('p = peek 2')).toEqual([`# p = b'bo' ${from}`]);
  expect(await said('b = recvexactly 4')).toEqual([`# b = b'body' ${from}`]);
  expect(await said('r = recvexactly 3')).toEqual([`# r = b'XYZ' ${from}`]);
  expect(await said('e = recvline')).toEqual([`# e = b'': the peer closed its side (EOF); recv returns b'' from now on`]);
  // Unassigned, the value is the output, and no line repeats it.
  expect(await said('recvline')).toEqual([]);
  server.close();
});
