import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, hasPython, runProcess, startServer, type Server } from '../helpers/proc.js';

/**
 * The `#` lines `sockshell connect` writes mid-stream are the user's words: the engine names the
 * stream's socket tcp (or udp, server, conn), which nobody typed, and its advice is the prompt's ("close
 * this socket", "Python's send"). A peer that reads a little and resets makes the send fail mid-stream:
 * the note said "EPIPE: tcp can no longer send" (and on the event loop "send had sent 0 bytes of 65536
 * when it stopped (Python's send does not say how many)").
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: Server | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const RESETS = [
  'import struct',
  'from socket import *',
  "s = socket(AF_INET, SOCK_STREAM); s.bind(('127.0.0.1', 0)); s.listen(1)",
  'print(s.getsockname()[1], flush=True)',
  'c, _ = s.accept()',
  'c.recv(10)',
  "c.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack('ii', 1, 0))",
  'c.close()',
].join('\n');

/**
 * As RESETS, but the peer reads nothing and resets once its receive queue has stopped growing (three
 * looks 50 ms apart, so a sender only slowed by a loaded machine is not taken for a stalled one): the
 * client's sending is stalled.
 */
const RESETS_STALLED = [
  'import fcntl, struct, termios, time',
  'from socket import *',
  "s = socket(AF_INET, SOCK_STREAM); s.bind(('127.0.0.1', 0)); s.listen(1)",
  'print(s.getsockname()[1], flush=True)',
  'c, _ = s.accept()',
  "queued = lambda: struct.unpack('i', fcntl.ioctl(c, termios.FIONREAD, bytes(4)))[0]",
  'last, same = -1, 0',
  'for _ in range(2000):',
  '    now = queued()',
  '    same = same + 1 if now == last and now > 0 else 0',
  '    if same == 3: break',
  '    last = now',
  '    time.sleep(0.05)',
  "c.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack('ii', 1, 0))",
  'c.close()',
].join('\n');

describe.runIf(hasPython)('the notes of sockshell connect mid-stream', () => {
  const input = join(dir, 'zeros.bin');
  const fd = openSync(input, 'w');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);

  for (const engine of ['native', 'loop']) {
    it(`a send that fails mid-stream is said in the command line's words (${engine})`, async () => {
      server = await startServer('python3', ['-c', RESETS], '\n');
      const port = server.output().trim();
      const r = await runProcess('sh', ['-c', `exec "${process.execPath}" "${CLI}" connect 127.0.0.1 ${port} < ${input} > /dev/null`], {
        env: { SOCKSHELL_ENGINE: engine },
      });
      expect(r.status).toBe(1);
      // Said as a note when a send met the reset; when the receiving side met it first (the send was
      // waiting for input: 1 run in 12 on the event loop), only the last line says it.
      expect(r.stderr).toMatch(/^(# |sockshell: )(EPIPE|ECONNRESET): /m);
      expect(r.stderr).not.toMatch(/\b(tcp|udp|conn)\b/);
      expect(r.stderr).not.toContain('close this socket');
      expect(r.stderr).not.toContain("Python's send");
      // A count, where one is said, is what the kernel took, never the piece Node still held when the
      // reset came (the event loop said "65536 of the last 65536 bytes of input had gone out").
      expect(r.stderr).not.toMatch(/; (\d+) of the last \1 bytes of input had gone out/);
    });
  }

  // The event loop's sendall had the kernel's buffer full and Node holding a piece when the reset came.
  it('a send stopped by a reset counts what the kernel took, not the piece Node held (loop)', async () => {
    server = await startServer('python3', ['-c', RESETS_STALLED], '\n');
    const port = server.output().trim();
    const r = await runProcess('sh', ['-c', `exec "${process.execPath}" "${CLI}" connect 127.0.0.1 ${port} < ${input} > /dev/null`], {
      env: { SOCKSHELL_ENGINE: 'loop' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^sockshell: ECONNRESET: /m);
    const count = /; (at least )?(\d+) of the last (\d+) bytes of input had gone out/.exec(r.stderr);
    // Said whichever side met the reset first: the receiving side's ECONNRESET waits for the send in
    // flight to fail on its own (it was cancelled unsaid in 1 run in 4 under load).
    expect(count, r.stderr).not.toBeNull();
    // A floor ('at least') where Node held a piece of the chunk; exact where the kernel's buffer was
    // full before any of it was handed to Node (0 of the last 65536).
    expect(count![1] === 'at least ' || count![2] === '0', r.stderr).toBe(true);
    expect(Number(count![2])).toBeLessThan(Number(count![3]));
  });
});
