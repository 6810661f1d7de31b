import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runProcess } from '../helpers/proc.js';

/**
 * `sockets` shows what the kernel dropped for each UDP socket from /proc/net/udp and udp6. It read
 * the table once per UDP socket (a table of 40 sockets: 40 reads of a file of 40 rows and more); it
 * reads each table once per command. Counted with strace, in the shell's own process.
 */
const hasStrace = spawnSync('sh', ['-c', 'command -v strace']).status === 0;

describe.skipIf(!hasStrace || process.platform !== 'linux')('sockets with many UDP sockets', () => {
  it('reads /proc/net/udp once for the whole table, and still shows each socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-kdrops-'));
    try {
      const trace = join(dir, 'trace');
      const input = 'repeat 40\n  s = udp.bind 127.0.0.1 0\nend\nsockets\n';
      const r = await runProcess('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', trace, process.execPath, CLI], {
        input,
        timeoutMs: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.match(/│ UDP +│ 127\.0\.0\.1:\d+/g)).toHaveLength(40);
      const opened = readFileSync(trace, 'utf8').split('\n');
      expect(opened.filter((l) => l.includes('"/proc/net/udp"'))).toHaveLength(1);
      expect(opened.filter((l) => l.includes('"/proc/net/udp6"')).length).toBeLessThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
