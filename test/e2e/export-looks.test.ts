import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sockshell } from '../helpers/proc.js';
import { ReplDriver } from '../helpers/repl-driver.js';

/**
 * newuser trial 3, finding 6: `help save` and `help export` typed before anything else made the
 * prompt's export start `# help` twice (the argument gone), and `sockets`, `diagram`, `hexdump`
 * left lines too; save leaves out what only looked, so the prompt's export and save + `sockshell
 * export` wrote two programs. What only looked at the session is no part of the program either way.
 * `hexdump` is not a look: it prints a value, as `print` does, and is kept with its Python helper
 * (test/e2e/hexdump-export.test.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-looks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export at the prompt leaves out what only looked', () => {
  it('help, explain, sockets, diagram, jobs and a bare $x write nothing; the program is the one save + sockshell export writes', async () => {
    const repl = new ReplDriver();
    const file = join(dir, 'looked.py');
    const saved = join(dir, 'looked.sock');
    try {
      for (const line of [
        'help save',
        'help export',
        's = udp.bind 127.0.0.1 0',
        'sockets',
        'a = s.getsockname',
        '$a',
        'c = udp.socket',
        'c.sendto hi $a',
        'explain queued',
        'm, who = s.recvfrom 100',
        'hexdump $m',
        'diagram',
        'jobs',
      ])
        await repl.type(line);
      expect(repl.err).toBe('');
      await repl.type(`export ${file}`);
      await repl.type(`save ${saved}`);
    } finally {
      await repl.close();
    }
    const code = readFileSync(file, 'utf8');
    // The hexdump helper's definition comes first (what it prints is hexdump-export's to check), then the calls.
    const helper = /^from socket import \*\n\ndef hexdump\(data\):\n(?: {4}.*\n)+\n/.exec(code);
    expect(helper, code).not.toBeNull();
    expect(code.slice(helper![0].length)).toBe(
      [
        's = socket(AF_INET, SOCK_DGRAM)',
        "s.bind(('127.0.0.1', 0))",
        'a = s.getsockname()',
        'c = socket(AF_INET, SOCK_DGRAM)',
        "c.sendto(b'hi', a)",
        'm, who = s.recvfrom(100)',
        'hexdump(m)',
        '',
      ].join('\n'),
    );
    const exported = await sockshell(['export', saved]);
    expect([exported.stderr, exported.stdout]).toEqual(['', code]);
  });

  it('a session that only looked has nothing to export, and is told so', async () => {
    const repl = new ReplDriver();
    try {
      await repl.type('help');
      await repl.type('sockets');
      await repl.type('export');
    } finally {
      await repl.close();
    }
    expect(repl.err).toContain(
      'nothing to export yet: export writes the commands this session ran that did something (help, sockets and the like only looked)',
    );
    expect(repl.out).not.toContain('from socket import *');
  });
});
