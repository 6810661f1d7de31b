import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_VALUE } from '../src/lang/limits.js';
import { MAX_RUN_DEPTH } from '../src/session/session.js';
import { pipedSession } from './helpers/piped.js';

/**
 * Issue 17 item 6: `a = "$a$a"` doubled 40 times ended in "internal error: RangeError: Invalid string
 * length"; `x = file /dev/zero` grew to 12.4 GB; a script that ran itself had no depth limit (V8 out of
 * heap after 549 s). Each limit is now a clear error at the line that passed it, and the session goes on.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('limits', () => {
  it('a value holds at most 64 MiB: text and bytes past it are an error, not a RangeError', async () => {
    const doublings = Array.from({ length: 40 }, () => 'a = "$a$a"');
    const r = await pipedSession(['a = 0123456789abcdef', ...doublings, 'b = "$a\\xff$a"', 'print $a', ''].join('\n'));
    const errors = r.err.split('\n').filter((l) => l !== '');
    // 16 × 2^22 = 64 MiB fits; the 23rd doubling and every one after it fails at the template.
    expect(16 * 2 ** 22).toBe(MAX_VALUE);
    expect(errors).toHaveLength(40 - 22 + 1);
    expect(errors[0]).toBe(
      '<stdin>:24:5: this text would be 134,217,728 characters or bytes; a value holds at most 64 MiB (send a file with sendfile, receive one with recvfile)',
    );
    expect(errors.at(-1)).toMatch(/^<stdin>:42:5: this text would be 134,217,729 characters or bytes/); // bytes: \xff
    expect(errors.join('\n')).not.toMatch(/RangeError|internal error/);
    expect(r.out).toHaveLength(MAX_VALUE + 1);
    expect(r.status).toBe(1);
  });

  it('file reads regular files only, of at most 64 MiB', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(MAX_VALUE + 1));
    const small = join(dir, 'small.bin');
    writeFileSync(small, 'hello');
    const r = await pipedSession(`x = file /dev/zero\ny = file ${dir}\nz = file ${big}\nw = file ${small}\nprint $w\n`);
    expect(r.err).toBe(
      [
        '<stdin>:1:10: /dev/zero is not a regular file (a device, a pipe or a socket): file reads regular files',
        `<stdin>:2:10: ${dir} is a directory: give a file`,
        `<stdin>:3:10: ${big} has 67,108,865 bytes: the value would be 67,108,865 characters or bytes; a value holds at most 64 MiB (send a file with sendfile, receive one with recvfile)`,
        '',
      ].join('\n'),
    );
    expect(r.out).toBe('hello\n');
  });

  it(`run nests at most ${MAX_RUN_DEPTH} deep: a script that runs itself stops with an error`, async () => {
    const self = join(dir, 'self.sock');
    writeFileSync(self, `print level\nrun ${self}\n`);
    const r = await pipedSession(`run ${self}\nprint after\n`);
    expect(r.out).toBe('level\n'.repeat(MAX_RUN_DEPTH) + 'after\n');
    expect(r.err).toBe(
      `${self}:2:1: run nests too deep: at most ${MAX_RUN_DEPTH} scripts run one inside another (does ${self} run itself?)\n`,
    );
    expect(r.status).toBe(1);
  });
});
