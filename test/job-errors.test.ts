import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { freeFixedPort } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

let d: CoreDriver | undefined;
afterEach(() => d?.close());

/** A job started at the prompt has no file: its error was shown as `[1] <repl>:1:1: …` (user trial). */
describe("a job's error at the prompt", () => {
  it('is the message under the job number, without a <repl>:LINE:COL position', async () => {
    const lines: string[] = [];
    d = new CoreDriver({ onLine: (l) => lines.push(l.text) });
    const port = await freeFixedPort();
    await d.run(`tcp.connect 127.0.0.1 ${port} &`);
    await waitFor(
      () => lines.some((l) => l.includes('ECONNREFUSED')),
      () => `the job's error; lines: ${lines.join(' | ')}`,
    );
    const error = lines.find((l) => l.includes('ECONNREFUSED'))!;
    expect(error).toMatch(/^\[1\] ECONNREFUSED: nothing is listening on 127\.0\.0\.1 port \d+/);
  });
});
