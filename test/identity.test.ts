import { describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';
import { rig } from './engine-helpers.js';
import { hasPython, runProcess } from './helpers/proc.js';

/**
 * A socket is its engine serial; a name is a label on it. When a name is reused the old socket keeps
 * working under a new label, and the prompt, `sockets`, the bare calls and the messages all follow the
 * serial. The transcripts names-reused-*.sockt show the same sessions whole; replay does not check the
 * prompt, so it is checked here.
 */
describe('identity by serial', () => {
  it('the engine writes a new label into the one handle every holder has, and announces it once', () => {
    const r = rig();
    const { engine } = r;
    const old = engine.create('udp', 4, { name: 'x', owner: 'main' });
    const fresh = engine.create('tcp', 4, { name: 'x', owner: 'main', displace: 'tentative' });
    // A shortcut under way: the new socket goes by x in what is said of it, the old one is still x.
    expect([old.name, fresh.name]).toEqual(['x', 'x']);
    expect(engine.lookup('x')).toBe(old);
    expect(engine.list().map((s) => s.serial)).toEqual([old.serial, fresh.serial]);
    expect(r.of('renamed')).toEqual([]);
    engine.claim(fresh);
    expect([old.name, fresh.name]).toEqual(['x2', 'x']);
    expect(engine.lookup('x')).toBe(fresh);
    expect(engine.lookup('x2')).toBe(old);
    expect(r.of('renamed')).toEqual([{ kind: 'renamed', socket: 'x2', serial: old.serial, from: 'x' }]);
    engine.claim(fresh); // once
    expect(r.of('renamed')).toHaveLength(1);
    void engine.closeAll();
  });

  it('a tentative socket closed before claim leaves the name with the socket that had it, unannounced', () => {
    const r = rig();
    const { engine } = r;
    const old = engine.create('udp', 4, { name: 'x', owner: 'main' });
    const fresh = engine.create('tcp', 4, { name: 'x', owner: 'main', displace: 'tentative' });
    engine.close(fresh);
    expect(old.name).toBe('x');
    expect(engine.lookup('x')).toBe(old);
    expect(engine.lookup('x2')).toBe(null);
    expect(r.of('renamed')).toEqual([]);
    void engine.closeAll();
  });

  it("a renamed UDP socket's errors name it by its label now", async () => {
    const r = rig();
    const { engine } = r;
    const old = engine.create('udp', 4, { name: 'x', owner: 'main' });
    engine.claim(engine.create('udp', 4, { name: 'x', owner: 'main', displace: 'tentative' }));
    expect(old.name).toBe('x2');
    // Closed, its calls fail naming it by its label now. (A bind no longer waits for dgram's lookup, as
    // Python's does not: a close cannot come while one is on its way.)
    const bound = await engine.bind(old, '127.0.0.1', 0);
    expect(bound.port).toBeGreaterThan(0);
    engine.close(old);
    await expect(engine.bind(old, '127.0.0.1', 0)).rejects.toThrow("EBADF: socket 'x2' is closed");
    void engine.closeAll();
  });

  it('clientSocket reused for tcp.connect: prompt, sockets and a bare send all mean the new socket', async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok('clientSocket = udp.socket', 'w = tcp.listen 127.0.0.1 0', 'a = w.getsockname');
      const connected = await shell.run('clientSocket = tcp.connect $a');
      expect(connected.out).toMatch(/the OS bound clientSocket to /);
      expect(connected.out).toMatch(/clientSocket now names the new socket; the old one is still open, as clientSocket2\n$/);
      expect(shell.core.prompt()).toBe('sockshell clientSocket> ');
      const table = await shell.ok('sockets');
      expect(table).toMatch(/│ clientSocket2 +│ UDP /);
      expect(table).toMatch(/│ \* clientSocket +│ TCP /);
      await shell.ok('send hello', 'k, ka = w.accept');
      expect(withoutReceiveNotes(await shell.ok('k.recv 1024'))).toBe("b'hello'\n");
      await shell.ok('use clientSocket2');
      expect(shell.core.prompt()).toBe('sockshell clientSocket2> ');
    } finally {
      await shell.close();
    }
  });

  it('serverSocket reused for tcp.listen: accept names the welcoming socket it ran on', async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok('serverSocket = udp.bind 127.0.0.1 0', 'serverSocket = tcp.listen 127.0.0.1 0', 'a = serverSocket.getsockname');
      expect(shell.core.prompt()).toBe('sockshell serverSocket> ');
      await shell.ok('c = tcp.connect $a');
      const accepted = await shell.ok('connectionSocket, addr = serverSocket.accept');
      expect(accepted).toMatch(/; serverSocket keeps welcoming\n$/);
      const drawn = await shell.ok('diagram');
      const [titles, subtitles] = drawn.split('\n').map((l) => l.trim().split(/ {2,}/));
      expect(titles).toEqual(['serverSocket2', 'serverSocket', 'c', 'connectionSocket']);
      expect(subtitles![0]).toMatch(/^UDP 127\.0\.0\.1:\d+$/);
      expect(subtitles![1]).toMatch(/^TCP welcoming 127\.0\.0\.1:\d+$/);
    } finally {
      await shell.close();
    }
  });

  it.skipIf(!hasPython)("binding a connection's own port: EADDRINUSE names that connection (Python's bind fails too)", async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok(
        'w = tcp.listen 127.0.0.1 0',
        'a = w.getsockname',
        'c = tcp.connect $a',
        'host, port = c.getsockname',
        's = tcp.socket',
      );
      const failed = await shell.run('s.bind 127.0.0.1 $port');
      // It said "a socket of another program holds it": c, this shell's own connection, holds the port.
      expect(failed.err).toMatch(/EADDRINUSE: 127\.0\.0\.1 port \d+ is already in use by c, a socket of this shell/);
      // Python's, with SO_REUSEADDR as the shell sets it on every TCP bind: refused as well (c has none).
      const python = await runProcess('python3', [
        '-c',
        [
          'import errno',
          'from socket import *',
          'w = socket(); w.bind(("127.0.0.1", 0)); w.listen()',
          'c = socket(); c.connect(w.getsockname())',
          's = socket(); s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)',
          'try: s.bind(c.getsockname())',
          'except OSError as e: print(e.errno == errno.EADDRINUSE)',
        ].join('\n'),
      ]);
      expect(python.stdout).toBe('True\n');
    } finally {
      await shell.close();
    }
  });

  it('rebinding the port of the socket a name holds: EADDRINUSE names the holder as it is still called', async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok('serverSocket = udp.bind 127.0.0.1 0', 'a = serverSocket.getsockname');
      const failed = await shell.run('serverSocket = udp.bind 127.0.0.1 $a[1]');
      expect(failed.err).toMatch(/EADDRINUSE: .* in use by serverSocket, a socket of this shell/);
      expect(shell.core.prompt()).toBe('sockshell serverSocket> ');
    } finally {
      await shell.close();
    }
  });

  it('a failed shortcut leaves the name where it was, and says nothing of it', async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok('clientSocket = udp.socket');
      const failed = await shell.run('clientSocket = tcp.connect 127.0.0.1 1');
      expect(failed.err).toMatch(/ECONNREFUSED/);
      expect(failed.out).not.toMatch(/now names|clientSocket2/);
      expect(shell.core.prompt()).toBe('sockshell clientSocket> ');
      expect(await shell.ok('sockets')).toMatch(/│ \* clientSocket +│ UDP /);
    } finally {
      await shell.close();
    }
  });
});
