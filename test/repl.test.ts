import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplDriver } from './helpers/repl-driver.js';

/** The REPL through its streams: both ends of a conversation in one shell, as a student plays them. */

let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

describe('REPL', () => {
  it('rebuilds UDPServer and UDPClient step by step, showing values as Python does', async () => {
    repl = new ReplDriver();
    const bind = await repl.type('serverSocket = udp.bind 127.0.0.1 0');
    expect(bind.out).toMatch(/# serverSocket = socket\(AF_INET, SOCK_DGRAM\); serverSocket\.bind\(\('127\.0\.0\.1', 0\)\)/);
    expect(bind.out).toMatch(/# serverSocket bound to \('127\.0\.0\.1', \d+\): loopback only/);
    const addr = await repl.type('serverAddress = serverSocket.getsockname');
    expect(addr.out).toBe('');
    const shown = await repl.type('$serverAddress');
    const port = /\('127\.0\.0\.1', (\d+)\)/.exec(shown.out)![1];
    await repl.type('clientSocket = udp.socket');
    const sent = await repl.type('clientSocket.sendto hello $serverAddress');
    expect(sent.out).toMatch(
      /# the OS bound clientSocket to \('0\.0\.0\.0', \d+\): it picked port \d+, as the socket was never bound\n5\n/,
    );
    const got = await repl.type('message, clientAddress = serverSocket.recvfrom 2048');
    expect(got.err).toBe('');
    expect((await repl.type('$message')).out).toBe("b'hello'\n");
    await repl.type('modifiedMessage = upper $message');
    await repl.type('serverSocket.sendto $modifiedMessage $clientAddress');
    const reply = await repl.type('clientSocket.recvfrom 2048');
    expect(reply.out).toBe(`(b'HELLO', ('127.0.0.1', ${port}))\n`);
    expect((await repl.type('$_')).out).toBe(`(b'HELLO', ('127.0.0.1', ${port}))\n`);
  });

  it('shows the current socket in the prompt and follows use', async () => {
    repl = new ReplDriver();
    await repl.type('a = udp.socket');
    await repl.type('b = udp.socket');
    expect(repl.out.endsWith('sockshell b> ')).toBe(true);
    await repl.type('use a');
    expect(repl.out.endsWith('sockshell a> ')).toBe(true);
    await repl.type('close');
    expect(repl.out.endsWith('sockshell> ')).toBe(true);
  });

  it('Ctrl-C cancels a blocking recvfrom; the socket stays open and keeps data that arrives later', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('a = getsockname');
    repl.send('recvfrom 100');
    await repl.until(() => repl!.busy(), 'recvfrom to be running');
    const before = repl.err.length;
    repl.interrupt();
    await repl.until(() => repl!.err.slice(before).includes('cancelled'), 'the cancel message');
    expect(repl.err.slice(before)).toMatch(/recvfrom cancelled; the socket stays open/);
    await repl.type('c = udp.socket');
    await repl.type('c.sendto later $a');
    expect((await repl.type('s.recvfrom 100')).out).toMatch(/^\(b'later', \('127\.0\.0\.1', \d+\)\)\n$/);
  });

  it('tells the user that a datagram is waiting when nobody is receiving', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('a = getsockname');
    await repl.type('c = udp.socket');
    await repl.type('c.sendto ping $a');
    await repl.until(() => /\[s\] a datagram of 4 bytes from \('127\.0\.0\.1', \d+\) is waiting/.test(repl!.out), 'the notice');
  });

  it('reports an error as one line with a caret under the column, and goes on', async () => {
    repl = new ReplDriver();
    const r = await repl.type('udp.bind 99999');
    expect(r.err).toBe('  udp.bind 99999\n           ^^^^^ expected a port number from 0 to 65535, got 99999\n');
    expect((await repl.type('print still here')).out).toBe('still here\n');
  });

  it('asks for more lines inside a block, then runs it', async () => {
    repl = new ReplDriver();
    const open = await repl.type('repeat 2');
    expect(repl.out.endsWith('... ')).toBe(true);
    expect(open.out).toBe('');
    await repl.type('print hi');
    expect((await repl.type('end')).out).toBe('hi\nhi\n');
  });

  it('asks for more lines while blocks are open inside blocks', async () => {
    repl = new ReplDriver();
    for (const line of ['repeat 2', '  if true', '    repeat 1']) {
      expect((await repl.type(line)).out).toBe('');
      expect(repl.out.endsWith('... ')).toBe(true);
    }
    await repl.type('      print nested');
    await repl.type('    end');
    expect((await repl.type('  end')).out).toBe('');
    expect((await repl.type('end')).out).toBe('nested\nnested\n');
  });

  it('never writes received control bytes raw', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('a = getsockname');
    await repl.type('c = udp.socket');
    await repl.type('c.sendto "\\x1b[2J\\x07bell" $a');
    await repl.type('m, f = s.recvfrom 100');
    expect((await repl.type('$m')).out).toBe("b'\\x1b[2J\\x07bell'\n");
    expect((await repl.type('print $m')).out).toBe('\\x1b[2J\\x07bell\n');
  });

  it('echoes a long bytes result cut to its first 4096 bytes, and says how to see it whole', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('a = getsockname');
    await repl.type('c = udp.socket');
    await repl.type(`c.sendto ${'y'.repeat(5000)} $a`);
    await repl.type(`c.sendto ${'z'.repeat(4500)} $a`);
    // A command's tuple result: the hint names the item that was cut, in $_.
    const got = await repl.type('s.recvfrom 6000');
    // Whether the second datagram is queued yet when recvfrom returns is timing: its line may come or not.
    expect(got.out.replace(/^# 1 more datagram is waiting on s; each recvfrom returns one\n/, '')).toMatch(
      new RegExp(
        `^\\(b'y{4096}', \\('127\\.0\\.0\\.1', \\d+\\)\\) …\n# 904 more bytes not shown: print \\$_\\[0\\] shows them all, hexdump \\$_\\[0\\] as hex\n$`,
      ),
    );
    expect((await repl.type('print $_[0]')).out).toBe(`${'y'.repeat(5000)}\n`);
    // A variable shown on its own: the hint names the variable, which is what holds it whole.
    await repl.type('m, f = s.recvfrom 6000');
    const shown = await repl.type('$m');
    expect(shown.out).toMatch(/^b'z{4096}' …\n# 404 more bytes not shown: print \$m shows them all, hexdump \$m as hex\n$/);
    expect((await repl.type('len $m')).out).toBe('4500\n');
  });

  it("labels what the engine says about a background job's socket with the job, like the job's other lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-job-'));
    try {
      const job = join(dir, 'job.sock');
      writeFileSync(job, 'c = udp.socket\nc.sendto hi 127.0.0.1 9\n');
      repl = new ReplDriver();
      const started = await repl.type(`run ${job} &`);
      const waited = await repl.type('wait %1');
      const shown = started.out + waited.out;
      expect(shown).toMatch(/\[1\] # the OS bound c to \('0\.0\.0\.0', \d+\): it picked port/);
      expect(shown).not.toMatch(/(^|\n)# the OS bound c/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-D while a call waits stops it and leaves', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    repl.send('s.recvfrom 10');
    const status = await repl.close();
    repl = null;
    expect(status).toBe(0);
  });

  it('output not a terminal: a traffic hex dump between commands is one unit, with one prompt after it', async () => {
    repl = new ReplDriver();
    const bound = (await repl.type('u = udp.bind 127.0.0.1 0')).out;
    const port = Number(/bound to \('127\.0\.0\.1', (\d+)\)/.exec(bound)![1]);
    await repl.type('log on');
    const from = repl.out.length;
    const peer = createSocket('udp4');
    try {
      peer.send(Buffer.alloc(40, 0x61), port, '127.0.0.1');
      await repl.until(() => repl!.out.slice(from).includes('is waiting; recvfrom will return it\nsockshell u> '), 'the datagram told');
    } finally {
      peer.close();
    }
    const shown = repl.out.slice(from);
    expect(shown).toMatch(/^\n< [^\n]* UDP 40 bytes\n( {2}0000[^\n]*\n){4}\[u\] a datagram of 40 bytes [^\n]*\nsockshell u> $/);
  });

  it('Ctrl-D (end of input) closes every socket and ends with status 0', async () => {
    repl = new ReplDriver();
    await repl.type('tcp.listen 127.0.0.1 0');
    const status = await repl.close();
    repl = null;
    expect(status).toBe(0);
  });
});
