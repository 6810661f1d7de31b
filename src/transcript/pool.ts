/**
 * Runs `task` over `items`, at most `jobs` at a time, and hands each result to `each` in the items'
 * order (a result that finishes early waits for those before it), so output reads the same at any
 * `-j`. `stop()` returning true starts no new task; those running finish.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  jobs: number,
  task: (item: T) => Promise<R>,
  each: (result: R, item: T) => void,
  stop: () => boolean,
): Promise<R[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length);
  const done: boolean[] = new Array<boolean>(items.length).fill(false);
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
      const i = next++;
      results[i] = await task(items[i]!);
      done[i] = true;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results.filter((_, i) => done[i]) as R[];
}
