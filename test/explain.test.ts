import { HANG_MS } from './helpers/wait.js';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../src/engine/reasons.js';
import { CODE_PARAGRAPHS } from '../src/explain/codes.js';
import { CoreDriver } from './helpers/core-driver.js';

/** explain: a paragraph for every code the engine's errors carry, and no argument explains the last thing that went wrong. */
describe('explain', () => {
  it('has a paragraph for exactly the codes the engine can report (the compiler checks it too)', () => {
    const codes = new Set(Object.values(REASONS).map((r) => r.code));
    expect(Object.keys(CODE_PARAGRAPHS).sort()).toEqual([...codes].sort());
  });

  it('explain CODE answers for every one of them', async () => {
    const shell = new CoreDriver();
    try {
      for (const code of Object.keys(CODE_PARAGRAPHS)) expect(await shell.ok(`explain ${code}`), code).toMatch(new RegExp(`^${code}: \\w`));
    } finally {
      await shell.close();
    }
  });

  it('after accept on a socket that never listened: the paragraph names that order (user trial 6: it named ports and options only)', async () => {
    const shell = new CoreDriver();
    try {
      await shell.ok('s = tcp.socket');
      expect((await shell.run('s.accept')).err).toMatch(/EINVAL: s is not listening/);
      // Wrapped at 80 columns: compared as one line.
      expect((await shell.ok('explain')).replace(/\s+/g, ' ')).toMatch(
        /accept on a socket that never called listen \(a TCP server calls bind, then listen, then accept\)/,
      );
    } finally {
      await shell.close();
    }
  });

  it('follows the last thing that went wrong, not an older error', async () => {
    const shell = new CoreDriver({ maxWaitMs: HANG_MS });
    try {
      expect((await shell.run('tcp.connect 127.0.0.1 1')).err).toMatch(/ECONNREFUSED/);
      expect((await shell.run('x = $nosuch')).err).toMatch(/nosuch/);
      const said = await shell.ok('explain');
      expect(said).not.toMatch(/ECONNREFUSED/);
      expect(said).toMatch(/^.*nosuch.*\n\(that error has no code to explain/);
      expect((await shell.run('u = udp.socket --seven')).err).toMatch(/unknown option --seven/);
      expect(await shell.ok('explain')).toMatch(/^unknown option --seven .*\nThe line did not run/);
    } finally {
      await shell.close();
    }
  });
});
