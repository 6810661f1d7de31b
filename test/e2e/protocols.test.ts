import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, runProcess, sockshell, startServer } from '../helpers/proc.js';

/**
 * Issue 13's done-when: the language against two real protocols written for the tests in Python,
 * test/peers/LineServer.py (lines, Redis-style) and test/peers/FrameServer.py (length-prefixed binary
 * frames with integer headers). Each is talked to three ways: a transcript replayed by `sockshell test
 * --with` (the server started on a fresh port), a script run by `sockshell run`, and that script's
 * export run by python3, which must print exactly what the shell printed.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-protocols-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROTOCOLS = [
  { name: 'line', server: 'LineServer.py', shell: "echo: it's here\nsum: 42\nerror: ERR unknown command\n+BYE\nclosed: 0\n" },
  {
    name: 'frame',
    server: 'FrameServer.py',
    shell: 'kind 1 status 0 length 12 : HELLO FRAMES\nsum 999995 kind 2 status 0\nkind 9 refused\nserver closed\n',
  },
] as const;

describe.runIf(hasPython)('protocols read with recvline, recvuntil, recvexactly, peek, pack and unpack', () => {
  it.each(PROTOCOLS)('$name: the transcript replays green against the Python server', async ({ name, server }) => {
    const r = await sockshell([
      'test',
      '--with',
      `python3 test/peers/${server} {port}`,
      '--port',
      '12000',
      `test/protocols/${name}-protocol.sockt`,
    ]);
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.status).toBe(0);
  });

  it.each(PROTOCOLS)('$name: the script and its Python export print the same, byte for byte', async ({ name, server, shell }) => {
    const port = await freeFixedPort();
    const peer = await startServer('python3', [`test/peers/${server}`, String(port)], 'ready');
    try {
      const script = `test/protocols/${name}-client.sock`;
      const ran = await sockshell(['run', script, `serverPort=${port}`]);
      expect([ran.stderr, ran.stdout, ran.status]).toEqual(['', shell, 0]);
      const exported = await sockshell(['export', script, `serverPort=${port}`]);
      expect(exported.status).toBe(0);
      const py = join(dir, `${name}.py`);
      writeFileSync(py, exported.stdout);
      const python = await runProcess('python3', [py]);
      expect([python.stderr, python.stdout, python.status]).toEqual(['', shell, 0]);
    } finally {
      await peer.stop();
    }
  });
});

describe.runIf(hasPython)('the other constructs of issue 13, exported', () => {
  it('slices, unpacking, pack and unpack, conditions, elif, input to its end and write: python3 prints the same bytes', async () => {
    const input = 'one\nskip\n42\ntwo\n';
    const script = 'test/protocols/constructs.sock';
    const ran = await sockshell(['run', script], { input });
    expect([ran.stderr, ran.status]).toEqual(['', 0]);
    const port = /^18 7 4660 \x07\x004\x12 2\n/.exec(ran.stdout);
    expect(port, ran.stdout).not.toBeNull();
    expect(ran.stdout.slice(port![0].length)).toBe('é wörld hlowrd \ncontains\nmatches\none|number 42\ntwo|\x00end\n');
    const exported = await sockshell(['export', script]);
    const py = join(dir, 'constructs.py');
    writeFileSync(py, exported.stdout);
    expect(exported.stdout).toContain('def input_or_none(');
    expect(exported.stdout).toContain("    elif re.search('^\\\\d+$', line):");
    const python = await runProcess('python3', [py], { input });
    expect([python.stderr, python.stdout, python.status]).toEqual(['', ran.stdout, 0]);
  });
});
