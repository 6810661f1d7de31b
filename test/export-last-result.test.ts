import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';
import { hasPython, runProcess } from './helpers/proc.js';

/**
 * User trial 6: a session that read `$_` (the last result, as README and the lessons' "Keep what came:
 * sentence = $_" teach) exported `print(str(_[0]))`: `_` is the Python REPL's, so python3 stopped with
 * NameError, and str() of bytes would have printed b'...'. The export now keeps the last result in `_`
 * where the program reads it, with its type, so the program prints what the shell printed.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-last-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function shellThenPython(
  name: string,
  lines: readonly string[],
): Promise<{ shell: string; python: string; pyErr: string; code: string }> {
  const py = join(dir, `${name}.py`);
  const r = await pipedSession([...lines, `export ${py}`, ''].join('\n'));
  expect(r.status).toBe(0);
  const python = await runProcess('python3', [py]);
  return { shell: r.out, python: python.stdout, pyErr: python.stderr, code: readFileSync(py, 'utf8') };
}

const LOOPBACK = ['s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 's.sendto "some text" $a'];

describe.runIf(hasPython)('export keeps $_ where the program reads it', () => {
  it('an unassigned recvfrom, then $_[0] printed, assigned and hexdumped', async () => {
    const r = await shellThenPython('unassigned', [
      ...LOOPBACK,
      's.recvfrom 100',
      'print $_[0]',
      'reply = $_[0]',
      'print $reply (len $_[1])',
    ]);
    expect(r.shell).toBe('some text\nsome text 2\n');
    expect([r.pyErr, r.python]).toEqual(['', r.shell]);
    // The export's hexdump (a function it defines) shows the bytes themselves, not str(bytes), in the shell's rows.
    const dump = await shellThenPython('hexdump', [...LOOPBACK, 's.recvfrom 100', 'reply = $_[0]', 'hexdump $reply']);
    expect([dump.pyErr, dump.python]).toEqual([
      '',
      '00000000  73 6f 6d 65 20 74 65 78  74                       |some text|\n00000009  (9 bytes)\n',
    ]);
  });

  it('an assigned call sets $_ too, and accept with no name keeps the (socket, address) pair', async () => {
    const r = await shellThenPython('assigned', [
      ...LOOPBACK,
      'm, who = s.recvfrom 100',
      'print $_[0] $who[0]',
      'l = tcp.listen 127.0.0.1 0',
      'la = l.getsockname',
      'c = tcp.connect $la',
      'l.accept',
      'conn = $_[0]',
      'print (len $_) $_[1][0]',
      'c.send hi',
      'print $_',
      'conn.recv 10',
      'print $_',
    ]);
    expect([r.pyErr, r.python]).toEqual(['', r.shell]);
  });
});
