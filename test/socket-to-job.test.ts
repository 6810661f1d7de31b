import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 14, concurrent servers: a socket passes to a script run as a job (`run handler.sock conn=$c &`),
 * so each accepted connection is served by its own job, at once. It used to fail with
 * `c is "<socket hc …>", not a socket`: NAME=$var was read as text.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let d: CoreDriver;
afterEach(() => d.close());

const handler = join(dir, 'handler.sock');
writeFileSync(handler, 'm = conn.recv 100\num = upper $m\nconn.sendall $um\nconn.close\n');

describe('run FILE NAME=$socket &', () => {
  it('two connections served by two jobs at once: the second is answered while the first still waits', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok(
      's = tcp.listen 127.0.0.1 0',
      'a = s.getsockname',
      'c1 = tcp.connect $a',
      'h1, x1 = s.accept',
      'c2 = tcp.connect $a',
      'h2, x2 = s.accept',
    );
    await d.ok(`run ${handler} conn=$h1 &`, `run ${handler} conn=$h2 &`);
    // Both jobs now wait in recv: the second client is served first.
    await d.ok('c2.sendall second');
    expect(withoutReceiveNotes((await d.run('c2.recv 100')).out)).toBe("b'SECOND'\n");
    await d.ok('c1.sendall first');
    expect(withoutReceiveNotes((await d.run('c1.recv 100')).out)).toBe("b'FIRST'\n");
    await waitFor(
      () => lines.filter((l) => /^\[\d\] done: run /.test(l)).length === 2,
      () => `both jobs done; saw ${lines.join(' | ')}`,
    );
  });

  it("data waiting on a socket handed to a job is the job's: no line at the prompt while the job runs", async () => {
    const gated = join(dir, 'gated.sock');
    // Waits on the gate first, so what reaches conn meanwhile waits in its queue.
    writeFileSync(gated, 'g = gate.recvfrom 10\nm = conn.recv 100\nconn.sendall (upper $m)\n');
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok('s = tcp.listen 127.0.0.1 0', 'a = s.getsockname', 'c = tcp.connect $a', 'h, x = s.accept', 'u = udp.bind 127.0.0.1 0');
    await d.ok('ua = u.getsockname', 'k = udp.socket');
    await d.ok(`run ${gated} conn=$h gate=$u &`);
    await d.ok('c.sendall early');
    await waitFor(() => d.core.session.engine.list().find((i) => i.name === 'h')!.bytesReceived === 5, 'the bytes queued on h');
    await d.ok('k.sendto go $ua');
    expect(withoutReceiveNotes((await d.run('c.recv 100')).out)).toBe("b'EARLY'\n");
    await waitFor(
      () => lines.some((l) => /^\[1\] done: run /.test(l)),
      () => `the job done; saw ${lines.join(' | ')}`,
    );
    // Before, '[h] 5 bytes are waiting; recv will return them' came at the prompt, the job's to read.
    expect(lines.filter((l) => /^\[h\]/.test(l))).toEqual([]);
  });

  it('NAME=$var keeps other types too; NAME=text stays text', async () => {
    const show = join(dir, 'show.sock');
    writeFileSync(show, 'print $addr[1] $word\n');
    d = new CoreDriver();
    await d.ok('s = udp.bind 127.0.0.1 0', 'a = s.getsockname');
    const ran = await d.run(`run ${show} addr=$a word=plain`);
    expect(ran.out).toMatch(/^\d+ plain\n$/);
  });
});

describe("a job's notices stay in the job", () => {
  it("datagrams waiting on a job's socket make no lines at the prompt; sockets still shows them queued", async () => {
    const quiet = join(dir, 'quiet.sock');
    // Binds, then waits in accept forever: its UDP socket's datagrams stay queued.
    writeFileSync(quiet, 'u = udp.bind 127.0.0.1 0\nl = tcp.listen 127.0.0.1 0\nc, a = l.accept\n');
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok(`run ${quiet} &`);
    const engine = d.core.session.engine;
    await waitFor(() => engine.list().some((s) => s.name === 'l' && s.state === 'LISTEN'), 'the job listening');
    const port = engine.list().find((s) => s.name === 'u')!.local!.port;
    await d.ok('v = udp.socket');
    for (let i = 0; i < 5; i++) {
      await d.ok(`v.sendto x${i} 127.0.0.1 ${port}`);
    }
    await waitFor(() => engine.list().find((s) => s.name === 'u')!.queued.count === 5, 'five datagrams queued');
    expect(lines.filter((l) => /is waiting/.test(l))).toEqual([]);
    expect((await d.run('sockets')).out).toMatch(/u \(%1\) .* 5 datagrams/);
  });
});
