import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';
import { hasPython, runProcess } from './helpers/proc.js';

/**
 * A socket call that failed is part of what the session did: a recv that raised ConnectionResetError
 * took the reset, and the next recv returned b''. export used to leave the failed call out, so the
 * exported program's first recv raised instead and python3 stopped with a traceback where the session
 * went on. Now the call is written as it ran, in a try that catches Python's exception for it, with
 * the shell's words in a comment; python3 then prints what the shell printed. save leaves it out: a
 * script that failed there would stop.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-failed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The peer resets (closing with 5 bytes unread); the first recv raises, the second returns b''. */
const RESET = [
  'l = tcp.listen 127.0.0.1 0',
  'la = l.getsockname',
  'c = tcp.connect $la',
  'conn, addr = l.accept',
  'conn.send hello',
  'c.close',
  'conn.recv 10',
  'x = conn.recv 10',
  'print (len $x) done',
];

it.runIf(hasPython)('a recv that raised ConnectionResetError is exported in a try, and python3 goes on as the session did', async () => {
  const py = join(dir, 'reset.py');
  const script = join(dir, 'reset.sock');
  const r = await pipedSession([...RESET, `export ${py}`, `save ${script}`, ''].join('\n'));
  expect(r.err).toMatch(/ECONNRESET|reset/);
  expect(r.out).toBe('0 done\n');
  // Before, without the failed recv, the exported program's first recv raised: a traceback, no output.
  const python = await runProcess('python3', [py]);
  expect([python.stderr, python.stdout]).toEqual(['', r.out]);
  const code = readFileSync(py, 'utf8');
  expect(code).toMatch(/# in the session this call failed: .*\ntry:\n {4}conn\.recv\(10\)\nexcept ConnectionResetError:\n {4}pass\n/);
  // save keeps what a script can run: the failed call is not in it.
  const saved = readFileSync(script, 'utf8');
  expect(saved).toContain('x = conn.recv 10');
  expect(saved.split('\n').filter((l) => l.trim() === 'conn.recv 10')).toEqual([]);
});
