import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../src/run/script.js';
import { capturedIo } from './helpers/piped.js';

/**
 * Trial 8, Q: `sockshell -v run saved.sock` of a saved interact (reads assigned to line and data) said
 * nothing of what each read took: the `# line = b'...'` of an assigned read was said at the prompt only.
 * With -v the script says it too; without, nothing. Both ends on loopback in one script.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-verbose-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = [
  's = tcp.listen 127.0.0.1 0',
  'a = s.getsockname',
  'c = tcp.connect $a',
  'conn, addr = s.accept',
  'c.sendall "hi\\nthere"',
  'line = conn.recvline',
  'data = conn.recvexactly 5',
  'u = udp.bind 127.0.0.1 0',
  'b = u.getsockname',
  'v = udp.socket',
  'v.sendto ping $b',
  'msg, who = u.recvfrom 100',
  'print $line $data $msg',
  '',
].join('\n');

async function run(verbose: boolean): Promise<{ status: number; out: string; err: string }> {
  const file = join(dir, 'reads.sock');
  writeFileSync(file, SCRIPT);
  const { io, out, err } = capturedIo('');
  const status = await runScript(file, io, { overrides: new Map(), verbose, signal: new AbortController().signal });
  return { status, out: out(), err: err() };
}

describe('sockshell run -v says what each assigned read took', () => {
  it('a line, exact bytes and a datagram with its sender, as the prompt says them', async () => {
    const loud = await run(true);
    expect([loud.status, loud.out]).toEqual([0, 'hi\n there ping\n']);
    expect(loud.err).toMatch(/^# line = b'hi\\n' from \('127\.0\.0\.1', \d+\)$/m);
    expect(loud.err).toMatch(/^# data = b'there' from \('127\.0\.0\.1', \d+\)$/m);
    expect(loud.err).toMatch(/^# msg = b'ping' from \('127\.0\.0\.1', \d+\): reply to this address, \$who$/m);
  });

  it('says none of it without -v', async () => {
    expect(await run(false)).toEqual({ status: 0, out: 'hi\n there ping\n', err: '' });
  });
});
