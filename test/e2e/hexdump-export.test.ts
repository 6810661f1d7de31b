import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * `hexdump` in a saved script and its export (trial 9's left-alone list): the export printed
 * `p.hex(' ')`, one line of bare hex, where the shell showed hexdump -C's rows (offset, two groups of
 * eight, the printable column, the total); and save left `hexdump` out of the script altogether, so
 * the REPL's export and the export of its save differed. Now both keep it, and the Python prints the
 * shell's rows.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-hexdump-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = [
  'p = "HTTP/1.1 200 OK\\r\\nbinary\\x00\\x01\\xff tail"',
  'hexdump $p',
  'sixteen = "0123456789abcdef"',
  'hexdump $sixteen',
  'word = "café"',
  'hexdump $word',
  'none = ""',
  'hexdump $none',
  'c = "\\x00\\x01\\x02\\x03\\x7f\\x80\\xfe"',
  'hexdump $c',
];

describe.runIf(hasPython)('hexdump exported', () => {
  it("the exported program prints the shell's rows, byte for byte", async () => {
    const sock = join(dir, 'rows.sock');
    writeFileSync(sock, SCRIPT.join('\n') + '\n');
    const shell = await sockshell(['run', sock]);
    expect(shell.stderr).toBe('');
    expect(shell.stdout).toContain('00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|\n');
    const exported = await sockshell(['export', sock]);
    expect(exported.status).toBe(0);
    const py = join(dir, 'rows.py');
    writeFileSync(py, exported.stdout);
    const python = await runProcess('python3', [py]);
    expect([python.stderr, python.status]).toEqual(['', 0]);
    expect(python.stdout).toBe(shell.stdout);
  });

  it("save keeps hexdump, so the prompt's export and the export of its save are the same program", async () => {
    const saved = join(dir, 'session.sock');
    const session = await sockshell([], { input: `p = "ab\\x00"\nhexdump $p\nsave ${saved}\nexport\n` });
    expect(session.status).toBe(0);
    const fromSave = await sockshell(['export', saved]);
    expect(fromSave.stdout).toMatch(/^hexdump\(p\.encode\(\)\)$/m);
    expect(session.stdout).toContain(fromSave.stdout);
  });
});
