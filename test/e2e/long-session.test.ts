import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';

/**
 * Issue 17 item 11: a long piped session grew without cap (64/104/279 MB of RSS at 1k/10k/100k
 * statements): the export log kept every chunk's tree. Done when RSS stays within 20 MB from 10,000 to
 * 100,000–300,000 statements (the median of three points: see below). The shell is the real CLI, fed a UDP loop over loopback; its RSS is read from
 * /proc/PID/status at the two points and compared.
 *
 * Three things that are not growth are taken out of the comparison, so it measures what the shell keeps:
 * - garbage not yet collected: how much there is at a given moment depends on when V8 last collected.
 *   A handler loaded with --import runs a full collection on SIGUSR2 and says `gc` on stderr; the test
 *   reads RSS after it.
 * - V8 doubling its young generation (16 MB more) at a moment of its choosing under a high allocation
 *   rate: the semi-spaces are fixed at their usual maximum from the start.
 * - old-space pages V8 keeps after a full collection, mostly free: each statement's short-lived
 *   objects that outlive two scavenges (the export log holds a chunk for 1,000-2,000 statements, the
 *   piped lines wait their turn) die in old space, about 170 MB of them per 100,000 statements
 *   (--trace-gc-nvp), and a collection that does not compact leaves their pages in place, mostly
 *   empty. Measured (process.memoryUsage and v8.getHeapSpaceStatistics after the collection): heapUsed stays at 10-11 MB from 10,000 to
 *   300,000 statements while old space holds 7 to 35 MB, and RSS follows the old space up and down by
 *   ~20 MB, as much at 5606cf4 as now. Compacting at each full collection frees those pages (old space
 *   then holds what is used), so RSS after it is what the shell keeps: in four runs the median of
 *   the later points was 0.8 to 3.1 MB above the 10,000 point (before: -10.7 to +17.8 in six).
 */
const GC_ON_SIGNAL = `data:text/javascript,process.on('SIGUSR2',()=>{globalThis.gc();process.stderr.write('gc\\n')})`;
const NODE = [
  '--expose-gc',
  '--min-semi-space-size=16',
  '--max-semi-space-size=16',
  '--compact-on-every-full-gc',
  `--import=${GC_ON_SIGNAL}`,
];

const LIMIT_MB = 20;

function rssMB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) / 1024;
}

/** Four statements of a UDP loop to itself, numbered so each is a new line of text. */
const round = (i: number): string =>
  `u.sendto hello${i} 127.0.0.1 $h[1]\nm, a = u.recvfrom 100\nexpect $m == hello${i}\nx = "$m and more"\n`;

describe('a long piped session', () => {
  it(`keeps its RSS within ${LIMIT_MB} MB from 10,000 to 100,000–300,000 statements`, async () => {
    const shell = new ShellProcess([], ROOT, NODE);
    const stdin = shell.child.stdin!;
    const write = (text: string) => new Promise<void>((resolve) => (stdin.write(text) ? resolve() : stdin.once('drain', () => resolve())));
    let sent = 3;
    let i = 0;
    let gcs = 0;
    /** Sends statements up to `count`, waits until the shell has run them, collects, and reads its RSS. */
    const rssAt = async (count: number): Promise<number> => {
      let text = '';
      for (; sent < count; sent += 4) {
        text += round(i++);
        if (text.length > 1 << 16) {
          await write(text);
          text = '';
        }
      }
      await write(`${text}print reached ${count}\n`);
      await shell.waitFor(`reached ${count}`);
      shell.child.kill('SIGUSR2');
      gcs++;
      await shell.waitFor('gc\n'.repeat(gcs));
      return rssMB(shell.pid);
    };
    try {
      await write('u = udp.socket\nu.bind 127.0.0.1 0\nh = u.getsockname\n');
      const at10k = await rssAt(10_000);
      const later = [await rssAt(100_000), await rssAt(200_000), await rssAt(300_000)];
      expect(shell.err.replaceAll('gc\n', '')).toBe('');
      // The median of three later points: even compacted, 2 later points of 12 read 14 and 21 MB above
      // the others with V8's heap the same size: memory outside it, and not the allocator's per-thread
      // arenas (with MALLOC_ARENA_MAX=1 one point read 23 MB above). Growth without bound, the bug this
      // pins (279 MB at 100,000), raises every later point, and so the median.
      const median = [...later].sort((x, y) => x - y)[1]!;
      const shown = later.map((m) => m.toFixed(1)).join(', ');
      expect(median - at10k, `RSS ${at10k.toFixed(1)} MB at 10,000 statements; ${shown} MB at 100,000, 200,000, 300,000`).toBeLessThan(
        LIMIT_MB,
      );
      stdin.end();
      expect(await shell.exit).toBe(0);
    } finally {
      shell.stop();
    }
  });
});
