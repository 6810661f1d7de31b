import { connect, createServer, type AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * User trial 6. The textbook's TCPServer loop typed at the prompt (accept, recv, send, close) against
 * TCPClient.py said at each close "the peer's recv returns b'' (EOF) once it has read the rest", when
 * the client had read the reply and closed already (tcpdump: its FIN came 2-7 ms before ours; ss: our
 * side in CLOSE-WAIT). The FIN was in the kernel, but the loop ran on without a turn of the event loop,
 * so the shell had not read it. Here the client sends and closes before the server even accepts.
 * And a notice held back while a block ran ("[c] 5 bytes are waiting; recv will return them") came
 * out after the block had closed c, where no recv can return them.
 */
let d: CoreDriver | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

it("close after the peer's FIN, inside one block: says the FIN had come, as the kernel's CLOSE-WAIT", async () => {
  d = new CoreDriver();
  await d.ok('q = tcp.listen 127.0.0.1 0');
  const port = Number(/, (\d+)\)/.exec((await d.run('q.getsockname')).out)![1]);
  const client = connect(port, '127.0.0.1');
  let closed = false;
  client.on('close', () => (closed = true));
  client.end('bye'); // data, then our FIN, before any accept
  client.resume();
  await waitFor(
    () => closed || client.writableFinished,
    () => "the client's FIN",
  );
  const r = await d.run(['repeat 1', 'c, a = q.accept', 's = c.recv 10', 'c.close', 'end'].join('\n'));
  expect(r.lines.map((l) => l.text).slice(-2)).toEqual([
    "# s = b'bye' from ('127.0.0.1', " + client.localPort + ')',
    `# c closed: it sends a FIN to ('127.0.0.1', ${client.localPort}) after any data still queued; the peer had sent its FIN already, so this ends the connection (a peer that only shut down writing gets b'' from recv once it has read the rest)`,
  ]); // and no "[c] the peer closed its side" after it: c is closed
  client.destroy();
});

it('a notice held back while a block ran is not shown when the block closed its socket meanwhile', async () => {
  const server = createServer((s) => {
    s.on('error', () => {}); // the shell's close with the 5 bytes unread resets it: ECONNRESET here is expected
    s.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  d = new CoreDriver();
  const r = await d.run(['repeat 1', `c = tcp.connect 127.0.0.1 ${port}`, 'sleep 0.2', 'c.close', 'end'].join('\n'));
  server.close();
  const texts = r.lines.map((l) => l.text);
  expect(texts.at(-1)).toMatch(/^warning: c was closed with 5 bytes unread/);
  expect(texts.filter((t) => t.startsWith('[c]'))).toEqual([]); // "[c] 5 bytes are waiting; recv will return them" was
});
