/**
 * CI's check of `npm run bench`: the whole machinery (every measurement, every installed contender,
 * the table and the JSON) runs end to end at a toy size. It asserts that it works, never how fast.
 * It runs unpinned (the default), so it does not crowd one CPU while the other test files run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/proc.js';

const dir = mkdtempSync(join(tmpdir(), 'sockshell-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Contender {
  id: string;
  available: boolean;
  n?: number;
  median?: number;
}
interface Result {
  id: string;
  contenders: Contender[];
  ratios: { a: string; b: string; median: number; target: unknown }[];
}

describe('npm run bench', () => {
  it('runs every measurement at a toy size and writes its table and JSON', async () => {
    const json = join(dir, 'bench.json');
    const run = await runProcess(process.execPath, ['test/bench/run.mjs', '--smoke', '--json', json]);
    expect(run.stderr).toBe('');
    expect(run.status, run.stdout).toBe(0); // a contender that failed twice says why in stdout
    expect(run.stdout).toContain('| measurement | contender | median | min–max | notes |');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { smoke: boolean; results: Result[] };
    expect(report.smoke).toBe(true);
    expect(report.results.map((r) => r.id)).toEqual([
      'udp-rt',
      'tcp-rt',
      'tcp-conn',
      'tcp-conn-client',
      'bulk',
      'startup',
      'memory',
      'udp-burst',
      'grade',
      'sendall-memory-tcp',
      'sendall-memory-tls',
    ]);
    // Every measurement of the shell has a row for the fallback, a process with no addon (lib.mjs ENGINES).
    for (const id of ['udp-rt', 'tcp-rt', 'tcp-conn', 'bulk', 'memory', 'udp-burst']) {
      expect(
        report.results.find((r) => r.id === id)?.contenders.find((c) => c.id === 'fallback'),
        id,
      ).toMatchObject({ available: true, n: 1 });
    }
    // Start-up too, as `run empty.sock` in the process without the addon.
    expect(report.results.find((r) => r.id === 'startup')?.contenders.find((c) => c.id === 'empty-fallback')).toMatchObject({
      available: true,
      n: 1,
    });
    for (const r of report.results) {
      for (const c of r.contenders.filter((x) => x.available)) {
        expect(c.n, `${r.id} ${c.id}`).toBe(1);
        expect(c.median, `${r.id} ${c.id}`).toBeGreaterThan(0);
      }
      expect(r.ratios.length, r.id).toBeGreaterThan(0);
    }
    // No limit of its own: the e2e project's, and runProcess's kill of a hung process, end a hang. It
    // had 70 s, and took 39 s in a full run at load 12 but over 70 s in one at load 15.
  });
});
