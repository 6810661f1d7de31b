import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Developer trial 7: a serve handler written as ncat -e's handler is (read a line, answer it) with
 * bare calls failed for every client with "recvline needs a socket: create one first", though serve
 * had handed it its connection, and each client was reset. A script handed one socket starts with it
 * as its current socket, as accept makes the connection current at the prompt.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-serve-current-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const handler = join(dir, 'echo-line.sock');
writeFileSync(handler, 'line = recvline --drop\nsendline "you said: $line"\n');
let d: CoreDriver | null = null;
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await d?.close();
  d = null;
});

/** A client that sends `text` and collects what comes back until the server closes. */
function client(port: number, text: string): { got: () => string; closed: () => boolean } {
  const c = connect(port, '127.0.0.1');
  clients.push(c);
  let got = '';
  let closed = false;
  c.on('data', (b) => (got += b.toString()));
  c.on('error', () => undefined); // a reset ends it as a close does; got says what came
  c.on('close', () => (closed = true));
  c.write(text);
  return { got: () => got, closed: () => closed };
}

it("serve's handler: bare calls act on conn", async () => {
  const lines: string[] = [];
  d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
  await d.ok(`serve 0 ${handler} &`);
  const engine = d.core.session.engine;
  await waitFor(() => engine.list().some((s) => s.name === 'server' && s.state === 'LISTEN'), 'serve listening');
  const port = engine.list().find((s) => s.name === 'server')!.local!.port;
  const a = client(port, 'one\n');
  await waitFor(a.closed, 'the handler done with the first client');
  const b = client(port, 'two\n');
  await waitFor(b.closed, 'the handler done with the second client');
  expect([a.got(), b.got()]).toEqual(['you said: one\n', 'you said: two\n']);
  expect(lines.filter((l) => /failed|needs a socket/.test(l))).toEqual([]);
});

it("run FILE NAME=$socket: the one socket handed over is the script's current socket", async () => {
  d = new CoreDriver();
  await d.ok('s = tcp.listen 127.0.0.1 0');
  const port = d.core.session.engine.list().find((s) => s.name === 's')!.local!.port;
  const a = client(port, 'hello\n');
  await d.ok('c, addr = s.accept');
  await d.ok(`run ${handler} conn=$c`);
  await waitFor(() => a.got() === 'you said: hello\n', 'the answer');
});

it('a script handed two sockets and making none: the error names them, not "create one first"', async () => {
  d = new CoreDriver();
  await d.ok('a = udp.socket', 'b = udp.socket');
  const err = (await d.run(`run ${handler} x=$a y=$b`)).err;
  expect(err).toContain('recvline needs a socket: this script made none and was handed x and y: write x.recvline');
});
