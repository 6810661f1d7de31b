import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll } from 'vitest';

/**
 * A backstop so no test leaves a process behind, also when it fails half-way. Every process a test
 * file starts inherits a tag in its environment (through `sockshell test --with`, `sh -c` and
 * double forks too); after the file, whatever still carries the tag is ended by its PID. Tests still
 * end their own processes in `finally`; this catches what a failure skipped.
 */
const TAG = 'SOCKSHELL_TEST_TAG';
const tag = `${TAG}=${randomUUID()}`;
process.env[TAG] = tag.slice(TAG.length + 1);

/** PIDs (other than this process) whose environment holds this file's tag. */
export function tagged(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(tag)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

afterAll(async () => {
  if (process.platform !== 'linux') return;
  // Again until none is left: a process just forked shows its tag only once it has exec'd.
  for (let pass = 0; pass < 50; pass++) {
    const pids = tagged();
    if (pids.length === 0 && pass > 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
});
