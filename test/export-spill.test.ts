import { describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { ExportLog } from '../src/record/export-log.js';
import { pipedSession } from './helpers/piped.js';

/**
 * Issue 17 item 11: the export log kept every chunk's tree in memory (2-3.5 KB a statement: 200 MB
 * at 100,000). Past 2,000 chunks it now spills the oldest to a temporary file and compiles them
 * again when export or save reads them; what they made (the engine's names for sockets made
 * without a target) comes back with them. test/e2e/long-session.test.ts measures the memory.
 */
const FILLER = 3000; // past the 2,000 chunks held in memory

describe('a long piped session spills its export log and still exports all of it', () => {
  // The second `u = udp.socket` moves the open socket u aside to u2: the Python needs `u2 = u`, which
  // only the record of what the statement made knows.
  const lines = ['u = udp.socket', 'u = udp.socket', ...Array.from({ length: FILLER }, (_, i) => `x = ${i}`), 'u2.close'];

  it('export: every statement, in order, with the names the engine gave', async () => {
    const r = await pipedSession([...lines, 'export', ''].join('\n'));
    expect(r.err).toBe('');
    const python = r.out.split('\n');
    expect(python.slice(0, 4)).toEqual([
      'from socket import *',
      'u = socket(AF_INET, SOCK_DGRAM)',
      'u2 = u  # the shell keeps this socket open as u2',
      'u = socket(AF_INET, SOCK_DGRAM)',
    ]);
    expect(python.slice(4, 4 + FILLER)).toEqual(Array.from({ length: FILLER }, (_, i) => `x = ${i}`));
    expect(python.slice(4 + FILLER)).toEqual(['u2.close()', '']);
  });

  it('save: the same statements as a script, and NAMEs selected from spilled chunks', async () => {
    const r = await pipedSession([...lines, 'save - u', ''].join('\n'));
    expect(r.err).toBe('');
    // The socket u labels was made by a spilled chunk; save keeps assignments (values may be needed).
    // The first socket made as u is u2's since the second `u = udp.socket` (as `diagram u` draws it).
    expect(r.out.split('\n').filter((l) => !l.startsWith('#'))).toEqual(lines.slice(1, -1).concat(''));
  });

  it('holds 1,000 to 2,000 chunks in memory and spills the rest; close frees them', () => {
    const log = new ExportLog((source, firstLine) => compile(source, firstLine).program);
    for (let i = 0; i < 4_500; i++) log.add(compile(`x = ${i}`, i + 1).program, `x = ${i}`, i + 1);
    expect(log.spilled).toBe(3_000);
    expect(log.chunks().map((c) => [c.source, c.firstLine])).toEqual(Array.from({ length: 4_500 }, (_, i) => [`x = ${i}`, i + 1]));
    log.close();
    expect(log.spilled).toBe(0);
  });
});
