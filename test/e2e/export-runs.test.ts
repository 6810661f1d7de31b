import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess, sockshell } from '../helpers/proc.js';
import { ReplDriver } from '../helpers/repl-driver.js';

/**
 * Exported programs do what the shell did. Each case runs a session or script in the shell and its
 * export under python3 (3.8+ syntax: python3 here is 3.11, which rejects an f-string reusing its
 * quote), against real sockets on 127.0.0.1 with ports the OS picks, and compares what both print.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shell's output for a script, and its export's under python3. */
async function bothRun(
  name: string,
  script: string,
): Promise<{ shell: string; python: string; code: string; pyErr: string; pyStatus: number | null }> {
  const sock = join(dir, `${name}.sock`);
  writeFileSync(sock, script);
  const shell = await sockshell(['run', sock]);
  const exported = await sockshell(['export', sock]);
  expect(exported.status).toBe(0);
  const py = join(dir, `${name}.py`);
  writeFileSync(py, exported.stdout);
  const python = await runProcess('python3', [py]);
  return { shell: shell.stdout, python: python.stdout, code: exported.stdout, pyErr: python.stderr, pyStatus: python.status };
}

/** A UDP socket that sends to itself: a reply to check and an address to print, with no peer to start. */
const LOOPBACK = ['s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 's.sendto "hello world" $a', 'reply, who = s.recvfrom 100'];

describe.runIf(hasPython)('exported programs print what the shell prints', () => {
  it('expect with quotes in its operands: valid Python, and a failure says what was expected and what came', async () => {
    const passing = [
      ...LOOPBACK,
      'expect $reply == "hello world"',
      'q = "it\'s \\"quoted\\""',
      'expect $q == "it\'s \\"quoted\\""',
      'expect $reply != "HELLO"',
      'expect $reply',
      'print done',
    ];
    const ok = await bothRun('expect-ok', passing.join('\n') + '\n');
    expect(ok.code).toContain("assert reply == b'hello world', 'expected %r, got %r' % (b'hello world', reply)");
    expect([ok.pyErr, ok.python]).toEqual(['', 'done\n']);
    expect(ok.shell).toBe('done\n');

    const failing = await bothRun('expect-fail', [...LOOPBACK, 'expect $reply == "HELLO \'WORLD\'"'].join('\n') + '\n');
    expect(failing.pyStatus).toBe(1);
    // Python compares bytes with bytes, so it shows the text it expected as bytes; the shell, as written.
    expect(failing.pyErr).toContain(`AssertionError: expected b"HELLO 'WORLD'", got b'hello world'`);
    const shell = await sockshell(['run', join(dir, 'expect-fail.sock')]);
    expect(shell.stderr).toContain(`expected "HELLO 'WORLD'", got b'hello world'`);
  });

  it("expect takes if's matches too (startswith, endswith, in, matches): the shell and the export agree on each", async () => {
    // User trial 5: `expect $greet startswith "+OK"` was refused ("expected an operator: ==, !=, <, <=, > or >=").
    const passing = [
      ...LOOPBACK,
      'expect $reply startswith hello',
      'expect $reply endswith "world"',
      'expect "lo w" in $reply',
      'expect $who[0] in $who',
      'expect $reply matches "^h.*d$"',
      'print done',
    ];
    const ok = await bothRun('expect-match-ok', passing.join('\n') + '\n');
    expect(ok.code).toContain("assert reply.startswith(b'hello'), 'expected a value that starts with %r, got %r' % ('hello', reply)");
    expect([ok.shell, ok.pyErr, ok.python]).toEqual(['done\n', '', 'done\n']);

    for (const [name, line, said] of [
      ['startswith', 'expect $reply startswith HELLO', "expected a value that starts with 'HELLO', got b'hello world'"],
      ['in', 'expect xyz in $reply', "expected a value in b'hello world', got 'xyz'"],
      ['matches', 'expect $reply matches "^world"', "expected a value that matches '^world', got b'hello world'"],
    ]) {
      const failing = await bothRun(`expect-match-${name}`, [...LOOPBACK, line].join('\n') + '\n');
      expect(failing.pyStatus).toBe(1);
      expect(failing.pyErr).toContain(`AssertionError: ${said}`);
      const shell = await sockshell(['run', join(dir, `expect-match-${name}.sock`)]);
      expect(shell.status).toBe(1);
      expect(shell.stderr).toContain(said);
    }
  });

  it('interpolates bytes, text, numbers and addresses into text and into bytes as the shell does', async () => {
    const script = [
      ...LOOPBACK,
      'm = b"hi"',
      't = "text"',
      'n = len $reply',
      'print "got $m"',
      'print "$m!"',
      'print "got $m from $who"',
      'print "$t and $m, $n bytes, port $who[1] of $who[0]"',
      'print "{$t}" $m "$n"',
      'print $reply $who $n',
      'both = "$m+$t"',
      's.sendto "$reply from $t" $a',
      'echoed = s.recv 100',
      'print $echoed $both',
      'loud = upper "$m, $t"',
      'print $loud',
      'expect "$m$t" == "hitext"',
    ].join('\n');
    const r = await bothRun('interpolate', script + '\n');
    expect(r.pyErr).toBe('');
    expect(r.shell).toMatch(/^got hi\nhi!\ngot hi from \('127\.0\.0\.1', \d+\)\n/);
    const ports = (out: string) => out.replace(/\b\d{4,5}\b/g, 'PORT'); // each run's OS-picked port
    expect(ports(r.python)).toBe(ports(r.shell));
  });

  it('bytes that are not UTF-8 print as the shell shows them, with \\x escapes', async () => {
    const r = await bothRun(
      'raw',
      ['y = b"\\xffA"', 'print $y', 'print "y=$y"', 'print "caf\\xe9"', 'z = upper $y', 'print $z'].join('\n') + '\n',
    );
    expect(r.pyErr).toBe('');
    expect(r.python).toBe('\\xffA\ny=\\xffA\ncaf\\xe9\n\\xffA\n');
    // The shell writes these bytes raw to a pipe; at a terminal it shows them as Python does here.
    const repl = new ReplDriver();
    try {
      await repl.type('y = b"\\xffA"');
      expect((await repl.type('print $y')).out).toContain('\\xffA\n');
    } finally {
      await repl.close();
    }
  });

  it("received bytes keep the textbook's plain .decode(): UTF-8 prints as the shell does, other bytes stop the program", async () => {
    const script = (payload: string) => [
      's = udp.bind 127.0.0.1 0',
      'a = s.getsockname',
      `s.sendto ${payload} $a`,
      'm = s.recv 100',
      'print "got $m"',
      'print $m',
    ];
    const text = await bothRun('received-text', script('"caf\\xc3\\xa9"').join('\n') + '\n');
    expect(text.python).toBe('got café\ncafé\n');
    expect(text.python).toBe(text.shell);
    const raw = await bothRun('received-raw', script('b"\\xffA"').join('\n') + '\n');
    expect(raw.code).toContain("print(f'got {m.decode()}')");
    expect(raw.pyErr).toMatch(/UnicodeDecodeError/); // as the textbook's program would; the README says so
  });

  it('items of a recvfrom result kept whole in one variable print as the shell prints them', async () => {
    const script = [...LOOPBACK.slice(0, 3), 'm = s.recvfrom 100', 'print "got $m[0] from $m[1]"', 'print $m[0]'];
    const r = await bothRun('tuple-items', script.join('\n') + '\n');
    expect(r.code).toContain("print(f'got {m[0].decode()} from {m[1]}')");
    expect(r.pyErr).toBe('');
    const port = (out: string) => out.replace(/\d{4,5}\)/g, 'PORT)');
    expect(port(r.python)).toBe(port(r.shell));
    expect(port(r.shell)).toBe("got hello world from ('127.0.0.1', PORT)\nhello world\n");
  });

  it('a socket made in a loop without a name: the export says that one variable names only the latest', async () => {
    const script = ['s = tcp.listen 127.0.0.1 0', 'a = s.getsockname', 'repeat 2', '  tcp.connect $a', '  s.accept', 'end', 'print made'];
    const r = await bothRun('loop-sockets', script.join('\n') + '\n');
    const note = (name: string) =>
      `    # each pass makes a new socket, which the shell numbers anew while earlier ones are open; ${name} names only the latest here\n`;
    expect(r.code).toContain(`${note('tcp1')}    tcp1 = socket(AF_INET, SOCK_STREAM)\n`);
    expect(r.code).toContain(`${note('conn1')}    conn1, _ = s.accept()\n`);
    expect([r.pyErr, r.python, r.shell]).toEqual(['', 'made\n', 'made\n']);
  });

  it('at the REPL, sockets the shell named itself keep those names in the export', async () => {
    const repl = new ReplDriver();
    try {
      for (const line of ['udp.bind 127.0.0.1 0', 'udp1.close', 'udp.bind 127.0.0.1 0', 'udp1.close']) await repl.type(line);
      // A chunk that fails leaves its socket open, and the numbers move on: the next TCP socket is tcp3.
      for (const line of ['if true', '  tcp.socket', '  nosuch.close', 'end']) await repl.type(line);
      expect(repl.err).toContain("no socket named 'nosuch'");
      await repl.type('tcp.listen 127.0.0.1 0');
      expect(repl.out).toMatch(/sockshell tcp2> $/);
      for (const line of [
        'a = tcp2.getsockname',
        'tcp.connect $a',
        'tcp2.accept',
        'tcp3.send hello',
        'conn1.recv 100',
        'tcp3.close',
        'conn1.close',
      ])
        await repl.type(line);
      const file = join(dir, 'names.py');
      await repl.type(`export ${file}`);
      const code = readFileSync(file, 'utf8');
      expect(code).toContain(
        ['udp1 = socket(AF_INET, SOCK_DGRAM)', "udp1.bind(('127.0.0.1', 0))", 'udp1.close()', 'udp1 = socket(AF_INET, SOCK_DGRAM)'].join(
          '\n',
        ),
      );
      expect(code).toContain('tcp2 = socket(AF_INET, SOCK_STREAM)');
      expect(code).toContain('tcp3 = socket(AF_INET, SOCK_STREAM)\ntcp3.connect(a)');
      expect(code).toContain('conn1, _ = tcp2.accept()');
      const py = await runProcess('python3', [file]);
      expect(py.stderr).toBe('');
      expect(py.stdout).toBe(''); // send's count and recv's bytes, shown at the prompt, are not printed (trial 8, D)
    } finally {
      await repl.close();
    }
  });

  it('sockets the shortcuts made IPv6 at run time, from a variable HOST or an IPv6 address, are AF_INET6 in the export', async () => {
    const file = join(dir, 'family.py');
    const steps = [
      'h = "::1"',
      'tcp.listen $h 0',
      'a = getsockname',
      'c = tcp.connect $a',
      'tcp1.accept',
      'c.send hi',
      'm = conn1.recv 10',
      'print $m',
    ];
    const shell = await sockshell([], { input: [...steps, `export "${file}"`, ''].join('\n') });
    expect([shell.stderr, shell.stdout]).toEqual(['', 'hi\n']);
    const code = readFileSync(file, 'utf8');
    expect(code).toMatch(
      /^tcp1 = socket\(AF_INET6, SOCK_STREAM\)\ntcp1\.setsockopt\(SOL_SOCKET, SO_REUSEADDR, 1\) .*\ntcp1\.bind\(\(h, 0\)\)$/m,
    );
    expect(code).toContain('c = socket(AF_INET6, SOCK_STREAM)\nc.connect(a)');
    const py = await runProcess('python3', [file]);
    expect([py.stderr, py.stdout]).toEqual(['', 'hi\n']);
  });

  it('after use NAME, bare calls and a bare close act on NAME in the export as in the shell', async () => {
    const file = join(dir, 'use.py');
    const steps = [
      'tcp.listen 127.0.0.1 0',
      'a = getsockname',
      'tcp.connect $a',
      'tcp1.accept',
      'use tcp2',
      'send hello',
      'm = conn1.recv 100',
      'print $m',
    ];
    // The bare close ends tcp2, so conn1 reads the end of the stream; had it closed conn1, its recv would fail.
    const session = [...steps, 'close', 'rest = conn1.recv 100', 'expect $rest == b""', 'print closed', `export "${file}"`, ''].join('\n');
    const shell = await sockshell([], { input: session });
    expect([shell.stderr, shell.stdout]).toEqual(['', 'hello\nclosed\n']);
    expect(readFileSync(file, 'utf8')).toContain("tcp2.send(b'hello')");
    const py = await runProcess('python3', [file]); // the wrong socket's recv would wait for ever
    expect([py.stderr, py.stdout]).toEqual(['', 'hello\nclosed\n']);
  });

  it('a piped session is recorded for export, and its Python prints what the session printed', async () => {
    const file = join(dir, 'piped.py');
    const session = [...LOOPBACK, 'm = upper $reply', 'print "got $m from $who"', 's.getsockname', `export "${file}"`, ''].join('\n');
    const shell = await sockshell([], { input: session });
    expect([shell.stderr, shell.status]).toEqual(['', 0]);
    const py = await runProcess('python3', [file]);
    expect(py.stderr).toBe('');
    expect(shell.stdout).toMatch(/^got HELLO WORLD from \('127\.0\.0\.1', \d+\)\n$/);
    expect(py.stdout).toMatch(/^got HELLO WORLD from \('127\.0\.0\.1', \d+\)\n$/); // no echo of s.getsockname: the pipe showed none
  });
});
