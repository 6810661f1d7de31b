import { describe, expect, it } from 'vitest';
import { inOrder } from '../src/transcript/pool.js';

/**
 * inOrder's run again on its own (grade -j with a hard-coded port, instructor trial 4): a result that
 * asks for it is run once more with no task beside it, and that result is the one handed on.
 * Tasks here end when the test lets them (a promise per run), never on the clock.
 */
interface Run {
  readonly item: number;
  readonly again: boolean;
  /** How many tasks were running, this one included, when it started and whenever another started while it ran. */
  readonly beside: number[];
  live: boolean;
  finish(value: string): void;
}

function harness() {
  const runs: Run[] = [];
  let running = 0;
  const started: (() => void)[] = [];
  const task = (item: number, again: boolean) =>
    new Promise<string>((resolve) => {
      running++;
      const run: Run = {
        item,
        again,
        beside: [running],
        live: true,
        finish: (value) => {
          run.live = false;
          running--;
          resolve(value);
        },
      };
      for (const r of runs) if (r.live) r.beside.push(running);
      runs.push(run);
      started.splice(0).forEach((wake) => wake());
    });
  /** Resolves once `n` runs have started (bounded by the test's own timeout). */
  const startedCount = async (n: number) => {
    while (runs.length < n) await new Promise<void>((wake) => started.push(wake));
  };
  return { runs, task, startedCount };
}

describe('inOrder: a result that asks to be run again alone', () => {
  it('waits for the runs beside it, starts none meanwhile, and keeps the second result, in order', async () => {
    const { runs, task, startedCount } = harness();
    const shown: string[] = [];
    const all = inOrder(
      [0, 1, 2, 3],
      2,
      task,
      (result) => shown.push(result),
      () => false,
      (result) => result === 'in use',
    );
    await startedCount(2);
    expect(runs.map((r) => r.item)).toEqual([0, 1]);
    runs[0]!.finish('in use'); // item 0 asks to be run again: item 1 is still running beside it
    await new Promise((turn) => setImmediate(turn)); // every promise job queued by now has run
    expect(runs).toHaveLength(2); // nothing new while item 1 runs
    runs[1]!.finish('one');
    await startedCount(3);
    expect(runs[2]).toMatchObject({ item: 0, again: true, beside: [1] });
    runs[2]!.finish('zero, alone');
    await startedCount(5);
    expect(runs.slice(3).map((r) => [r.item, r.again])).toEqual([
      [2, false],
      [3, false],
    ]);
    runs[3]!.finish('two');
    runs[4]!.finish('three');
    expect(await all).toEqual(['zero, alone', 'one', 'two', 'three']);
    expect(shown).toEqual(['zero, alone', 'one', 'two', 'three']);
    // The alone run had nothing beside it at any moment it ran.
    expect(Math.max(...runs[2]!.beside)).toBe(1);
  });

  it('with one job, a result is never run again', async () => {
    const { runs, task, startedCount } = harness();
    const all = inOrder(
      [0, 1],
      1,
      task,
      () => undefined,
      () => false,
      () => true,
    );
    await startedCount(1);
    runs[0]!.finish('in use');
    await startedCount(2);
    expect(runs[1]).toMatchObject({ item: 1, again: false });
    runs[1]!.finish('in use');
    expect(await all).toEqual(['in use', 'in use']);
    expect(runs).toHaveLength(2);
  });
});
