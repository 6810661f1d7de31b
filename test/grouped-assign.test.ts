import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS } from './helpers/wait.js';

/**
 * `host, port = (u.getsockname)` (user trial: "2 names need 2 values"): parentheses around the whole
 * right side of an assignment group nothing, as in Python, so the call runs as if written without
 * them, socket call or value command alike. Inside an argument a socket call stays an error.
 */
let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

describe('an assignment from a call in parentheses', () => {
  it('assigns what the call returns, to one name or to several', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok(
      'u = udp.bind 127.0.0.1 0',
      'host, port = (u.getsockname)',
      'whole = (u.getsockname)',
      'a, b = (unpack >HH x"00010002")',
    );
    const port = (await shell.ok('print $port')).trim();
    expect(port).toMatch(/^\d+$/);
    expect((await shell.ok('print $host $whole $a $b')).trim()).toBe(`127.0.0.1 ('127.0.0.1', ${port}) 1 2`);
    expect(await shell.ok('export')).toContain('host, port = u.getsockname()\n');
  });

  it('a socket call inside an argument is still an error, with the way to write it', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('u = udp.bind 127.0.0.1 0');
    expect((await shell.run('print (u.getsockname)')).err).toContain(
      'u.getsockname cannot stand inside an argument; run it on a line of its own',
    );
  });
});
