import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpHolders } from '../../src/engine/port-holders.js';
import { freeFixedPort, hasPython, runProcess, sockshell } from '../helpers/proc.js';
import { roomForTimeWait } from '../helpers/kernel.js';
import { ReplDriver } from '../helpers/repl-driver.js';

/**
 * What a user trial found the exported Python doing differently from the shell (issue: pyexport).
 * Each case runs the same program in the shell and, exported, under python3 against real loopback
 * peers, and compares what both print and their exit status.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Both {
  readonly shell: { readonly status: number | null; readonly stdout: string; readonly stderr: string };
  readonly python: { readonly status: number | null; readonly stdout: string; readonly stderr: string };
  readonly code: string;
}

/** `sockshell run` of a script, then its `sockshell export` under python3. */
async function bothRun(name: string, script: readonly string[], input = ''): Promise<Both> {
  const sock = join(dir, `${name}.sock`);
  writeFileSync(sock, script.join('\n') + '\n');
  const shell = await sockshell(['run', sock], { input });
  const exported = await sockshell(['export', sock]);
  expect(exported.stderr).toBe('');
  const py = join(dir, `${name}.py`);
  writeFileSync(py, exported.stdout);
  const python = await runProcess('python3', [py], { input });
  return { shell, python, code: exported.stdout };
}

/** What the REPL showed for the lines typed: results, without its `#` notes, arrival notes and prompts. */
function shown(outputs: readonly string[]): string {
  const lines = outputs.flatMap((o) => o.split('\n'));
  return lines.filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('[') && !l.startsWith('sockshell')).join('\n') + '\n';
}

describe.runIf(hasPython)('the exported Python does and prints what the shell did', () => {
  it('recvfile and sendfile give their counts when assigned, in a loop too (recvfile was a loop that set nothing)', async () => {
    const src = join(dir, 'photo.bin');
    writeFileSync(src, Buffer.alloc(150_000, 'x'));
    const out = (n: number) => join(dir, `copy${n}.bin`);
    const script = [
      's = tcp.listen 127.0.0.1 0',
      'a = s.getsockname',
      'c = tcp.connect $a',
      'conn, who = s.accept',
      'conn.sendall abcdef',
      'repeat 2',
      `  k = c.recvfile ${out(1)} 3`,
      '  print part $k',
      'end',
      `sent = conn.sendfile ${src}`,
      'conn.shutdown wr',
      `n = c.recvfile ${out(2)}`,
      'print sent $sent wrote $n',
    ];
    const r = await bothRun('files', script);
    expect(r.shell.stderr).toBe('');
    expect(r.shell.stdout).toBe('part 3\npart 3\nsent 150000 wrote 150000\n');
    expect(r.code).toContain(`n = recvfile(c, '${out(2)}')`);
    expect([r.python.stderr, r.python.stdout, r.python.status]).toEqual(['', r.shell.stdout, 0]);
    expect(readFileSync(out(2)).equals(readFileSync(src))).toBe(true);
  });

  it('a payload written out unquoted is sent as typed, in the shell and in the export (0042 was sent as 42, 1.50 as 1.5)', async () => {
    const port = await freeFixedPort();
    const script = [
      `s = udp.bind 127.0.0.1 ${port}`,
      'c = udp.socket',
      'x = 007',
      ...['0123456789', '1.50', '1e3', '$x'].flatMap((payload) => [
        `c.sendto ${payload} 127.0.0.1 0${port}`,
        'm, a = s.recvfrom 100',
        'print $m',
      ]),
      'l = tcp.listen 127.0.0.1 0',
      'where = l.getsockname',
      't = tcp.connect $where',
      'conn, who = l.accept',
      't.send PIN 0042',
      'got = conn.recv 100',
      'print $got',
      'c.settimeout 01',
      'repeat 02',
      '  print $x',
      'end',
    ];
    const r = await bothRun('as-typed', script);
    const printed = '0123456789\n1.50\n1e3\n007\nPIN 0042\n007\n007\n';
    expect([r.shell.stderr, r.shell.stdout, r.shell.status]).toEqual(['', printed, 0]);
    expect(r.code).toContain(`c.sendto(b'1.50', ('127.0.0.1', ${port}))`);
    expect([r.python.stderr, r.python.stdout, r.python.status]).toEqual(['', printed, 0]);
  });

  it('a command with no value (close, bind) assigned gives None, as in the shell', async () => {
    const r = await bothRun('no-value', ['s = udp.socket', 'x = s.close', 'print $x']);
    expect(r.code).toContain('s.close()\nx = None\n');
    expect([r.shell.stdout, r.python.stdout, r.python.stderr]).toEqual(['None\n', 'None\n', '']);
  });

  it('the prompt export is the program a student writes: what the prompt showed on its own is not printed, print is; the same program as save + sockshell export (trial 8, D)', async () => {
    const repl = new ReplDriver();
    const outputs: string[] = [];
    const file = join(dir, 'echo.py');
    const saved = join(dir, 'echo.sock');
    try {
      const typed = [
        's = udp.bind 127.0.0.1 0',
        'a = s.getsockname',
        'c = udp.socket',
        'c.sendto hi $a',
        'c.sendto yo $a',
        'repeat 2',
        '  m, who = s.recvfrom 100',
        '  s.sendto $m $who',
        'end',
        'upper hi',
        'x = "yo"',
        '$x',
        'c.recv 100',
        'r = c.recv 100',
        'print $r $x',
      ];
      for (const line of typed) outputs.push((await repl.type(line)).out);
      expect(repl.err).toBe('');
      // What the prompt showed: two sendto counts, text as its repr, a reply; and what print printed.
      expect(shown(outputs)).toBe("2\n2\n'HI'\n'yo'\nb'hi'\nyo yo\n");
      await repl.type(`export ${file}`);
      await repl.type(`save ${saved}`);
    } finally {
      await repl.close();
    }
    const code = readFileSync(file, 'utf8');
    // The textbook's line: the count sendto returns is not printed (it was, as print(c.sendto(...))).
    expect(code).toContain("c.sendto(b'hi', a)\nc.sendto(b'yo', a)\n");
    expect(code).toContain('for _ in range(2):\n    m, who = s.recvfrom(100)\n    s.sendto(m, who)\n');
    expect(code).toContain("'hi'.upper()\n");
    expect(code).toContain('c.recv(100)\nr = c.recv(100)\n');
    expect(code.match(/print\(/g)).toHaveLength(1);
    const python = await runProcess('python3', [file]);
    expect([python.stderr, python.stdout]).toEqual(['', 'yo yo\n']);

    // The saved script run prints what print prints; its export is the same program.
    const run = await sockshell(['run', saved]);
    const exported = await sockshell(['export', saved]);
    expect([run.stderr, run.stdout, run.status]).toEqual(['', 'yo yo\n', 0]);
    expect(exported.stdout).toBe(code);
  });

  it('a port the OS picked, typed at the prompt, is the variable that held it in the export, as in save', async () => {
    const repl = new ReplDriver();
    const file = join(dir, 'port.py');
    const outputs: string[] = [];
    try {
      const bound = await repl.type('s = udp.bind 127.0.0.1 0');
      const port = /bound to \('127\.0\.0\.1', (\d+)\)/.exec(bound.out)![1]!;
      for (const line of ['a = s.getsockname', 'c = udp.socket', `c.sendto hi 127.0.0.1 ${port}`, 'm = s.recv 10', 'print $m'])
        outputs.push((await repl.type(line)).out);
      expect(repl.err).toBe('');
      await repl.type(`export ${file}`);
    } finally {
      await repl.close();
    }
    const code = readFileSync(file, 'utf8');
    expect(code).toContain("c.sendto(b'hi', a)");
    // The Python's own run binds another port: with the literal it would wait for a datagram that never comes.
    const python = await runProcess('python3', [file]);
    expect(shown(outputs)).toBe('2\nhi\n'); // sendto's count, shown at the prompt, is not printed by the program
    expect([python.stderr, python.stdout]).toEqual(['', 'hi\n']);
  });

  it("input's prompt through pipes: run writes it to stdout, as the textbook's input() does, so both print the same", async () => {
    const r = await bothRun('input', ['m = input "Input lowercase sentence:"', 'u = upper $m', 'print $u'], 'hello\n');
    expect(r.code).toContain("m = input('Input lowercase sentence:')\n");
    expect(r.code).not.toMatch(/^# input/m);
    expect([r.shell.stderr, r.shell.stdout]).toEqual(['', 'Input lowercase sentence:HELLO\n']);
    expect([r.python.stderr, r.python.stdout]).toEqual(['', 'Input lowercase sentence:HELLO\n']);
  });

  it('a TCP server binds a port in TIME_WAIT, as the shell does: the export sets SO_REUSEADDR before bind', async () => {
    await roomForTimeWait();
    const port = await freeFixedPort();
    // The server closes first, so its end of the connection waits in TIME_WAIT on `port`; then a
    // second server binds that port (bind on a TCP socket, as tcp.listen does).
    const script = [
      `s = tcp.listen 127.0.0.1 ${port}`,
      `c = tcp.connect 127.0.0.1 ${port}`,
      'conn, who = s.accept',
      'conn.close',
      'm = c.recv 10',
      'c.close',
      's.close',
      't = tcp.socket',
      `t.bind 127.0.0.1 ${port}`,
      't.listen',
      'print bound again',
    ];
    const sock = join(dir, 'time-wait.sock');
    writeFileSync(sock, script.join('\n') + '\n');
    const shell = await sockshell(['run', sock]);
    expect([shell.stderr, shell.stdout]).toEqual(['', 'bound again\n']);
    expect(tcpHolders(port)?.timeWait).toBeGreaterThan(0); // left by the shell's run: the Python binds over it
    const exported = await sockshell(['export', sock]);
    const reuse = "setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)  # as sockshell's TCP sockets have it (Node sets it): a port in TIME_WAIT binds";
    expect(exported.stdout).toContain(`s = socket(AF_INET, SOCK_STREAM)\ns.${reuse}\ns.bind(('127.0.0.1', ${port}))\n`);
    expect(exported.stdout).toContain(`t = socket(AF_INET, SOCK_STREAM)\nt.${reuse}\nt.bind(('127.0.0.1', ${port}))\n`);
    expect(exported.stdout).not.toContain(`c.${reuse}`); // a client the OS binds is not the shell's bind
    const py = join(dir, 'time-wait.py');
    writeFileSync(py, exported.stdout);
    const python = await runProcess('python3', [py]);
    expect([python.stderr, python.stdout, python.status]).toEqual(['', 'bound again\n', 0]);
  });
});
