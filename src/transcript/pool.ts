/**
 * Runs `task` over `items`, at most `jobs` at a time, and hands each result to `each` in the items'
 * order (a result that finishes early waits for those before it), so output reads the same at any
 * `-j`. `stop()` returning true starts no new task; those running finish.
 *
 * `again(result)` true says the result may be the work of a task beside it (a port another run's
 * program held): with more than one job, the task runs once more with nothing beside it (those
 * running finish first, none start meanwhile), and that result is the one kept, so it is what a
 * run of its own would say. `task`'s `again` says it is that second run.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  jobs: number,
  task: (item: T, again: boolean) => Promise<R>,
  each: (result: R, item: T) => void,
  stop: () => boolean,
  again: (result: R) => boolean = () => false,
): Promise<R[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length);
  const done: boolean[] = new Array<boolean>(items.length).fill(false);
  const gate = new Gate();
  let next = 0;
  let shown = 0;
  const flush = () => {
    while (shown < items.length && done[shown]) {
      each(results[shown]!, items[shown]!);
      shown++;
    }
  };
  const worker = async () => {
    while (next < items.length && !stop()) {
      await gate.open();
      if (next >= items.length || stop()) break;
      const i = next++;
      let result = await gate.beside(() => task(items[i]!, false));
      if (jobs > 1 && again(result) && !stop()) result = await gate.alone(() => task(items[i]!, true));
      results[i] = result;
      done[i] = true;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results.filter((_, i) => done[i]) as R[];
}

/**
 * Tasks that run side by side (`beside`) and tasks that run with nothing beside them (`alone`): an
 * alone task waits for those running to finish, and no task starts while one waits or runs.
 */
class Gate {
  private running = 0;
  /** Alone tasks waiting or running. */
  private waiting = 0;
  /** Settles when no alone task waits or runs; null when none does. */
  private closed: Promise<void> | null = null;
  private reopen: () => void = () => undefined;
  private drained: (() => void) | null = null;
  /** Alone tasks run one after another, in the order they asked. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Resolves once no alone task waits or runs. */
  async open(): Promise<void> {
    while (this.closed !== null) await this.closed;
  }

  async beside<R>(task: () => Promise<R>): Promise<R> {
    // Counted in the same turn as the last look at the gate: an alone task that closes it after this
    // waits for this one.
    while (this.closed !== null) await this.closed;
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      if (this.running === 0) this.drained?.();
    }
  }

  alone<R>(task: () => Promise<R>): Promise<R> {
    if (this.waiting++ === 0) this.closed = new Promise<void>((resolve) => (this.reopen = resolve));
    const run = this.queue.then(async () => {
      if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = null;
      return task();
    });
    const leave = () => {
      if (--this.waiting > 0) return;
      this.closed = null;
      this.reopen();
    };
    this.queue = run.then(leave, leave);
    return run;
  }
}
