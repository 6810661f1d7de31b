import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VarScope } from '../src/interp/scope.js';
import { runScript } from '../src/run/script.js';
import { runChunk } from '../src/session/chunk.js';
import { Session } from '../src/session/session.js';
import type { Output } from '../src/core/output.js';
import { capturedIo } from './helpers/piped.js';

/**
 * `sockshell run` writes the shell's # lines (what happened underneath) only with -v; a handler on a
 * hot path builds such a line only when it is shown (SessionServices.showsInfo; issue 16). Both ends
 * of one connection in one script, on loopback.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-verbose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = [
  's = tcp.listen 127.0.0.1 0',
  'a = s.getsockname',
  'c = tcp.connect $a',
  'conn, addr = s.accept',
  'print accepted',
  'conn.close',
  'c.close',
  's.close',
  '',
].join('\n');

async function run(verbose: boolean, script = SCRIPT): Promise<{ status: number; out: string; err: string }> {
  const file = join(dir, 'script.sock');
  writeFileSync(file, script);
  const { io, out, err } = capturedIo('');
  const status = await runScript(file, io, { overrides: new Map(), verbose, signal: new AbortController().signal });
  return { status, out: out(), err: err() };
}

describe('sockshell run -v', () => {
  it("writes accept's line about the new connection socket with -v, and no # line without it", async () => {
    const loud = await run(true);
    expect(loud.status).toBe(0);
    expect(loud.out).toBe('accepted\n');
    expect(loud.err).toMatch(/^# new connection socket conn for \('127\.0\.0\.1', \d+\); s keeps welcoming$/m);
    const quiet = await run(false);
    expect(quiet).toEqual({ status: 0, out: 'accepted\n', err: '' });
  });

  it('builds no info line at all while the session says none is shown: the output sink never receives it', async () => {
    // streamOutput hides info lines without -v, so what a script prints cannot tell whether the text
    // was built. A sink that keeps everything can: with showsInfo false, accept's line never reaches it.
    for (const shows of [true, false]) {
      const seen: Output[] = [];
      const session = new Session({
        interactive: false,
        showsInfo: () => shows,
        out: (o) => seen.push(o),
        readLine: () => Promise.resolve(null),
      });
      const interp = session.interpreter(new VarScope('main', 't.sock'), { echo: false });
      await runChunk(interp, session.ran, SCRIPT, 1, new AbortController().signal);
      const said = seen.flatMap((o) => (o.kind === 'info' ? [o.text] : []));
      expect(
        said.some((t) => t.startsWith('new connection socket conn')),
        `showsInfo ${shows}: ${said.join(' | ')}`,
      ).toBe(shows);
    }
  });
});

/**
 * Trial 8, Q: `sockshell -v run saved.sock` of a saved interact (reads assigned to line and data) said
 * nothing of what each read took: the `# line = b'...'` of an assigned read was said at the prompt only.
 * With -v the script says it too; without, nothing. Both ends on loopback in one script.
 */
const READS = [
  ...SCRIPT.split('\n').slice(0, 4), // both ends of a connection: c and conn
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

describe('sockshell run -v says what each assigned read took', () => {
  it('a line, exact bytes and a datagram with its sender, as the prompt says them', async () => {
    const loud = await run(true, READS);
    expect([loud.status, loud.out]).toEqual([0, 'hi\n there ping\n']);
    expect(loud.err).toMatch(/^# line = b'hi\\n' from \('127\.0\.0\.1', \d+\)$/m);
    expect(loud.err).toMatch(/^# data = b'there' from \('127\.0\.0\.1', \d+\)$/m);
    expect(loud.err).toMatch(/^# msg = b'ping' from \('127\.0\.0\.1', \d+\): reply to this address, \$who$/m);
  });

  it('says none of it without -v', async () => {
    expect(await run(false, READS)).toEqual({ status: 0, out: 'hi\n there ping\n', err: '' });
  });
});
