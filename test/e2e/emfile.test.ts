import { describe, expect, it } from 'vitest';
import { CLI, runProcess } from '../helpers/proc.js';

/**
 * Issue 17 item 8: out of file descriptors (ulimit -n 100, then listening sockets until EMFILE).
 * `sockets` used to fail with "internal error … cli-table3/index.js" (the module loaded lazily and
 * needed a descriptor), the error read "bind failed with EMFILE", and `explain EMFILE` had nothing.
 */
describe('after EMFILE', () => {
  it('the error says what ran out, sockets draws its table, and explain EMFILE answers', async () => {
    const input = 'repeat 200\n  s = tcp.listen 127.0.0.1 0\nend\nsockets\nexplain EMFILE\n';
    const r = await runProcess('sh', ['-c', `ulimit -n 100 && exec "${process.execPath}" "${CLI}"`], { input, timeoutMs: 60_000 });
    expect(r.stderr).toMatch(
      // The descriptor is made as bind binds it in the kernel (Python's socket() meets EMFILE there: the shortcut's first call).
      /^<stdin>:2:7: EMFILE: socket needs a file descriptor and this process has none left \(each socket and open file takes one, up to ulimit -n\) — close sockets you no longer need \(OSError\)\n$/,
    );
    expect(r.stdout).toMatch(/^┌─+┬/);
    expect(r.stdout).toMatch(/│ s\d* +│ TCP +│ 127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('EMFILE: The process has used up its file descriptors.');
    expect(r.status).toBe(1);
  });
});
