import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython, runProcess } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

/**
 * Issue 14, concurrent servers in one line: `serve PORT FILE &` accepts each connection and runs FILE
 * for it in a job of its own, with the connection as conn, as ncat -k and socat's fork do. Real python3
 * clients on loopback; before serve, a second client waited until the first closed.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const handler = join(dir, 'upper.sock');
writeFileSync(handler, 'm = conn.recv 100\num = upper $m\nconn.sendall "$prefix$um"\n');
/** A handler that runs and fails at its expect. */
const failing = join(dir, 'fails.sock');
writeFileSync(failing, 'm = conn.recv 100\nexpect $m == nope\n');
let d: CoreDriver;
afterEach(() => d.close());

/** The port the OS gave serve's welcoming socket. */
async function servingPort(): Promise<number> {
  const engine = d.core.session.engine;
  await waitFor(() => engine.list().some((s) => s.name === 'server' && s.state === 'LISTEN'), 'serve listening');
  return engine.list().find((s) => s.name === 'server')!.local!.port;
}

describe.runIf(hasPython)('serve PORT FILE', () => {
  it('two clients connected at once are both answered, the second while the first is still open', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok(`serve 0 ${handler} prefix=got: &`);
    const port = await servingPort();
    const client = [
      'from socket import *',
      `a = create_connection(('127.0.0.1', ${port}), timeout=20)`,
      `b = create_connection(('127.0.0.1', ${port}), timeout=20)`,
      "b.sendall(b'second'); print(b.recv(100))",
      "a.sendall(b'first'); print(a.recv(100))",
    ].join('\n');
    const ran = await runProcess('python3', ['-c', client]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe("b'got:SECOND'\nb'got:FIRST'\n");
    // The handlers' jobs came and went without a line each at the prompt.
    await waitFor(() => d.core.session.jobs.list().filter((j) => j.state === 'running').length === 1, 'the handler jobs done');
    expect(lines.filter((l) => /upper\.sock for \(/.test(l))).toEqual([]);
    expect(d.core.session.engine.list().map((s) => s.name)).toEqual(['server']); // each connection closed with its job
  });

  it('kill stops the server and the jobs still serving; the client sees the connection end', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok(`serve 0 ${handler} prefix=x &`);
    const port = await servingPort();
    const code = [
      'from socket import *',
      `c = create_connection(('127.0.0.1', ${port}), timeout=20)`,
      "print('connected', flush=True)",
      'print(c.recv(100))',
    ].join('\n');
    const child = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await waitFor(() => out.includes('connected'), 'the client connected');
      await waitFor(() => d.core.session.jobs.list().filter((j) => j.state === 'running').length === 2, 'its handler running');
      await d.ok('kill %1');
      await ended;
      expect(out).toBe("connected\nb''\n");
      expect(d.core.session.jobs.list().filter((j) => j.state === 'running')).toEqual([]);
      expect(d.core.session.engine.list()).toEqual([]);
      await waitFor(
        () => lines.some((l) => /stopped serving .*: served 1 connection/.test(l)),
        () => `the summary; saw ${lines.join(' | ')}`,
      );
      const refused = await runProcess('python3', [
        '-c',
        `from socket import *\ntry:\n  create_connection(('127.0.0.1', ${port}))\nexcept ConnectionRefusedError:\n  print('refused')`,
      ]);
      expect(refused.stdout).toBe('refused\n');
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    }
  });
});

describe.runIf(hasPython)('serve: what the prompt shows', () => {
  it('the start, a failed handler in one line, and the stop with its count', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    await d.ok(`serve 0 ${failing} &`); // each handler fails at its expect
    const port = await servingPort();
    await runProcess('python3', [
      '-c',
      `from socket import *\nc = create_connection(('127.0.0.1', ${port}))\nc.sendall(b'x')\nprint(c.recv(10))`,
    ]);
    await waitFor(
      () => lines.some((l) => /failed/.test(l)),
      () => `a failure line; saw ${lines.join(' | ')}`,
    );
    // jobs %1 keeps the failure among its notes, not only the scrollback (developer trial 7: "no notes").
    expect((await d.run('jobs %1')).out.replaceAll(dir, 'DIR').replace(/\d{4,5}/g, 'N')).toContain(
      "  DIR/fails.sock for ('127.0.0.1', N) (job %2) failed: expected 'nope', got b'x'",
    );
    await d.ok('kill %1');
    await waitFor(() => lines.some((l) => /stopped serving/.test(l)), 'the summary');
    // The handler reads the client's byte before it fails, so no reset's warning is expected; one would
    // be the handler's (job %2), whose connection it was.
    const unread = /warning: conn was closed with 1 byte unread/;
    expect(lines.filter((l) => unread.test(l) && !l.startsWith('[2] '))).toEqual([]);
    const shown = lines
      .filter((l) => !unread.test(l) && l.startsWith('[')) // the job's lines, not the jobs %1 typed above
      .join('\n')
      .replaceAll(dir, 'DIR')
      .replace(/\d{4,5}/g, 'N');
    expect(shown.split('\n')).toEqual([
      '[1] serve 0 DIR/fails.sock',
      "[1] # serving ('0.0.0.0', N): each connection runs DIR/fails.sock in a job of its own, with conn and addr; kill %1 stops it and them",
      "[1] warning: DIR/fails.sock for ('127.0.0.1', N) (job %2) failed: expected 'nope', got b'x'",
      "[1] # stopped serving ('0.0.0.0', N): served 1 connection, 1 failed",
      '[1] stopped: serve 0 DIR/fails.sock',
    ]);
  });
});

describe('serve: a handler that could never run', () => {
  // User trial 5: `serve 14520 handler.sock &` from another directory listened, and every client's
  // handler failed with "can't read 'handler.sock' (ENOENT)"; a handler that does not check failed
  // the same way, once per client. Both are refused before a port is taken, as run refuses them.
  it.each([
    ['missing.sock', null, /can't read '.*missing\.sock' \(ENOENT\)/],
    ['unassigned.sock', 'conn.sendall $prefix\n', /\$prefix is never assigned in this script/],
  ])('%s: refused before listening, with why', async (name, source, why) => {
    const file = join(dir, name);
    if (source !== null) writeFileSync(file, source);
    d = new CoreDriver();
    const ran = await d.run(`serve 0 ${file}`);
    expect(ran.out + ran.err).toMatch(why);
    expect(ran.out + ran.err).not.toMatch(/serving/);
    expect(d.core.session.engine.list()).toEqual([]);
  });

  it('knows conn, addr and the NAME=VALUE given', async () => {
    const file = join(dir, 'knows.sock');
    writeFileSync(file, 'conn.sendall "$prefix $addr"\n');
    d = new CoreDriver();
    const running = d.run(`serve 0 ${file} prefix=hi`);
    await servingPort();
    expect(d.core.interrupt()).toBe(true);
    expect((await running).err).toBe('^C serve cancelled\n');
  });
});

describe('serve in the foreground', () => {
  it('Ctrl-C stops it and closes its welcoming socket', async () => {
    d = new CoreDriver();
    const running = d.run(`serve 0 ${handler} prefix=`);
    await servingPort();
    expect(d.core.interrupt()).toBe(true);
    const ran = await running;
    expect(ran.out + ran.err).toMatch(/# stopped serving \('0\.0\.0\.0', \d+\): served 0 connections/);
    expect(d.core.session.engine.list()).toEqual([]);
  });
});

describe.runIf(hasPython)('serve in the foreground: 20 clients at once', () => {
  it('says nothing per client at the prompt, during or after', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    const running = d.run(`serve 0 ${handler} prefix=got:`);
    const port = await servingPort();
    const clients = [
      'import socket, threading',
      'got = []',
      'def one(i):',
      `    s = socket.create_connection(('127.0.0.1', ${port}), timeout=20)`,
      "    s.sendall(b'hello %d' % i); got.append(s.recv(100)); s.close()",
      'ts = [threading.Thread(target=one, args=(i,)) for i in range(20)]',
      '[t.start() for t in ts]; [t.join() for t in ts]',
      'print(len(got), sorted(got)[0])',
    ].join('\n');
    const ran = await runProcess('python3', ['-c', clients]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe("20 b'got:HELLO 0'\n");
    await waitFor(() => d.core.session.jobs.running() === 0, 'the handler jobs done');
    expect(d.core.interrupt()).toBe(true);
    const shown = (await running).lines.map((l) => l.text);
    // Data waiting on a handler's connection is the handler's business: before, each client left a
    // '[conn7] 7 bytes are waiting' line, held back under the running serve and shown at its end.
    expect([...lines, ...shown].filter((l) => /waiting|\[conn/.test(l))).toEqual([]);
    expect(shown.map((l) => l.replace(/\d{4,5}/g, 'N').replaceAll(dir, 'DIR'))).toEqual([
      "# serving ('0.0.0.0', N): each connection runs DIR/upper.sock in a job of its own, with conn and addr; Ctrl-C stops it and them",
      "# stopped serving ('0.0.0.0', N): served 20 connections",
      '^C serve cancelled',
    ]);
  });

  it('as a job, jobs counts what it has served under its row, and lists no handler once done', async () => {
    d = new CoreDriver();
    await d.ok(`serve 0 ${handler} prefix=got: &`);
    const port = await servingPort();
    const ran = await runProcess('python3', [
      '-c',
      `from socket import *\nc = create_connection(('127.0.0.1', ${port}), timeout=20)\nc.sendall(b'x')\nprint(c.recv(10))`,
    ]);
    expect(ran.stdout).toBe("b'got:X'\n");
    await waitFor(() => d.core.session.jobs.running() === 1, 'the handler job done');
    const jobs = (await d.run('jobs')).out;
    expect(jobs).toContain('%1: served 1 connection, 0 being served now');
    // The handler that served it is done and counted there, not a row of its own: a row per client
    // would grow for as long as the server runs.
    expect(jobs).not.toContain('upper.sock for');
  });
});
