import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, hasPython, runProcess, startServer, type Server } from '../helpers/proc.js';

/**
 * `sockshell connect` into a file that takes only part of what arrives: a file size limit (`ulimit -f`,
 * SIGXFSZ ignored as a shell can leave it, so the write fails with EFBIG) stops the write partway. The
 * bytes arrive in one move (6 KiB, one segment, then the peer's FIN), so no later write meets the error.
 * With the addon the move went through its relay pipe into the file: the file took 5 KiB, the rest of
 * the move was dropped and nothing said, and the program ended with status 0, "received 0 bytes". On
 * the event loop, Node's stdout to a file took the short write for a whole one: status 0 as well.
 * OpenBSD nc ends with 0 too; the truth is the error, and status 1.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-write-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: Server | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const STREAM = Buffer.from(Array.from({ length: 6144 }, (_, i) => i % 256));
const SENDER = [
  'from socket import *',
  "s = socket(AF_INET, SOCK_STREAM); s.bind(('127.0.0.1', 0)); s.listen(1)",
  'print(s.getsockname()[1], flush=True)',
  'c, _ = s.accept()',
  'c.sendall(bytes(i % 256 for i in range(6144)))',
  'c.close()',
].join('\n');

describe.runIf(hasPython && process.platform === 'linux')('standard output that takes only part of a bulk move', () => {
  for (const engine of ['native', 'loop']) {
    it(`connect > a file past its size limit: the error, status 1, and the file holds only bytes that arrived (${engine})`, async () => {
      server = await startServer('python3', ['-c', SENDER], '\n');
      const port = server.output().trim();
      const out = join(dir, `out-${engine}`);
      const r = await runProcess(
        'sh',
        ['-c', `trap '' XFSZ; ulimit -f 10; exec "${process.execPath}" "${CLI}" connect 127.0.0.1 ${port} < /dev/null > ${out}`],
        { env: { SOCKSHELL_ENGINE: engine } },
      );
      const written = readFileSync(out);
      expect(written.length).toBeLessThan(STREAM.length);
      expect(STREAM.subarray(0, written.length).equals(written)).toBe(true);
      expect(r.stderr).toContain('sockshell: cannot write to standard output: EFBIG (file too large)\n');
      expect(r.stderr).not.toContain('both sides closed');
      expect(r.status).toBe(1);
    });
  }
});
