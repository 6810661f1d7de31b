import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';

/**
 * vitest globalSetup: the tests' python3 without a version manager's shim in front of it. A pyenv shim is
 * a bash script that works out which python3 to run at every start: 0.49 s of CPU and 6–7 s of wall
 * time at load 17 on this 2-core machine, against 0.09 s and 1.2–1.7 s for the interpreter itself (suite
 * trial 6), and the suite starts python3 hundreds of times. The directory of the interpreter the shim
 * picks (its sys.executable) goes first on PATH, for the tests and every process they start, so each
 * start runs the same python3 directly; where python3 is no shim, PATH had found that directory anyway.
 * Workers are started after this runs, so they inherit it.
 */
export default function setup(): void {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const executable = found.status === 0 ? found.stdout.trim() : '';
  if (executable === '') return; // no python3 here: the tests that need one skip
  process.env.PATH = `${dirname(executable)}${delimiter}${process.env.PATH ?? ''}`;
}
