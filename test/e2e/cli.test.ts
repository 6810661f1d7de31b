import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sockshell } from '../helpers/proc.js';

/** The command line's fixed contract: subcommands, exit statuses, where errors go. */

const dir = mkdtempSync(join(tmpdir(), 'sockshell-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('command line', () => {
  it('--version and --help', async () => {
    expect((await sockshell(['--version'])).stdout).toMatch(/^sockshell \d+\.\d+\.\d+\n$/);
    const help = await sockshell(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('sockshell run FILE.sock [NAME=VALUE ...]');
  });

  it('every subcommand that --help lists answers --help and -h with its own usage, and does nothing else', async () => {
    const index = (await sockshell(['--help'])).stdout;
    const names = [...index.matchAll(/^(?:usage: | {7})sockshell (\w+) /gm)].map((m) => m[1]!);
    expect(names).toEqual(['run', 'check', 'export', 'record', 'test', 'grade', 'connect', 'listen', 'relay']);
    for (const name of names) {
      for (const flag of ['--help', '-h']) {
        const r = await sockshell([name, flag]);
        expect(r, `${name} ${flag}`).toMatchObject({ status: 0, stderr: '' });
        expect(r.stdout, `${name} ${flag}`).toMatch(new RegExp(`^usage: sockshell ${name} `));
      }
    }
    // Not taken for a file name (record would have written a transcript called --help).
    expect(existsSync(join(ROOT, '--help'))).toBe(false);
    // After other arguments too.
    expect((await sockshell(['test', '--with', 'sleep 1', '--help'])).stdout).toMatch(/^usage: sockshell test /);
  });

  it('test --help says what each option does', async () => {
    expect((await sockshell(['test', '--help'])).stdout).toMatchInlineSnapshot(`
      "usage: sockshell test [--update [--force]] [--with "COMMAND"]... [--port N] [OPTIONS] PATH ...
        replay transcripts (files, or every .sockt below a directory)

      options:
        --update           rewrite each transcript's expected output from this run (never a failed expect)
        --force            let --update run with --with (the program under test then writes the expected output)
        --with "COMMAND"   start COMMAND before each transcript and stop its process group after (repeatable)
        --port N           COMMAND is ready once port N is bound (as well as on its first output line)
        {port}             in COMMAND: a fresh port for each transcript, replacing --port N (or the header's port:) in it
        --timeout S        bound on every blocking call and on waiting for notices (default 5)
        --ready-timeout S  how long COMMAND has to get ready, its own time: not the time it waits for a CPU (default 5)
        --wall S           bound on a whole transcript, program start-up included
        -x                 start no transcript after the first that fails
        -j N               run N transcripts side by side (needs {port})
        --feedback MODE    student: the first mismatch only; instructor (default): with the diff
        --json FILE        results as JSON
        --junit FILE       results as JUnit XML
        --gradescope FILE  results as Gradescope's results.json
        --allow-files      let transcripts use files outside their own folder

      Grading TCP servers run after run on one port fails while the last run's closed connections are in
      TIME_WAIT (60 s); --with "python3 TCPServer.py {port}" --port 12000 gives each run its own port.
      Exits 0 if every transcript passed, 1 if one failed, 2 if one does not parse.
      "
    `);
  });

  it('a usage error exits 2', async () => {
    const r = await sockshell(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it("a subcommand's usage error shows that subcommand's usage and options, not every subcommand's", async () => {
    for (const [args, problem] of [
      [['test'], 'test needs transcripts'],
      [['test', '--bogus', 'x.sockt'], 'test: unknown option --bogus'],
      [['test', '--timeout', 'soon', 'x.sockt'], 'test: --timeout needs a number of seconds'],
      [['grade', 'subs'], 'grade needs a folder of submissions and transcripts'],
      [['run'], 'run needs a script'],
      [['connect', 'localhost'], 'connect needs HOST PORT'],
    ] as const) {
      const r = await sockshell([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      const name = args[0];
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^sockshell: ${problem}.*\nusage: sockshell ${name} `));
      expect(r.stderr, args.join(' ')).not.toContain('usage: sockshell  ');
      expect(r.stderr, args.join(' ')).not.toContain('interactive shell (a REPL of socket calls)');
    }
    expect((await sockshell(['test'])).stderr).toContain('--allow-files');
  });

  it('run: print goes to stdout and nothing else', async () => {
    const f = script('hello.sock', 'x = 5\nprint "x is" $x\nprint done\n');
    expect(await sockshell(['run', f])).toMatchObject({ status: 0, stdout: 'x is 5\ndone\n', stderr: '' });
  });

  it('run: loops, ifs, break and continue, empty bodies, past the 256-pass yield and around waits', async () => {
    const f = script(
      'flow.sock',
      [
        'repeat 2',
        '  # a body of comments only',
        'end',
        'n = 0',
        'while $n > 3',
        'end',
        'repeat 0',
        '  print never',
        'end',
        's = ""',
        'repeat 600',
        '  s = "${s}x"',
        'end',
        'n = len $s',
        'print passes $n',
        'j = ""',
        'while true',
        '  j = "${j}x"',
        '  k = len $j',
        '  if $k == 2',
        '    continue',
        '  end',
        '  sleep 0',
        '  repeat 3',
        '    if $k == 3',
        '      break',
        '    end',
        '    print inner $k',
        '  end',
        '  if $k >= 4',
        '    break',
        '  end',
        'end',
        'print after $k',
      ].join('\n') + '\n',
    );
    const r = await sockshell(['run', f]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe('passes 600\ninner 1\ninner 1\ninner 1\ninner 4\ninner 4\ninner 4\nafter 4\n');
  });

  it('run: a negative backlog means 0, as in Python, and the socket listens', async () => {
    const f = script('backlog.sock', 's = tcp.socket\ns.bind 127.0.0.1 0\ns.listen -1\nprint listening\n');
    expect(await sockshell(['run', f])).toMatchObject({ status: 0, stdout: 'listening\n', stderr: '' });
  });

  it('run: NAME=VALUE overrides the script’s own assignment, as make does', async () => {
    const f = script('over.sock', 'serverPort = 12000\nprint $serverPort\n');
    expect((await sockshell(['run', f, 'serverPort=12001'])).stdout).toBe('12001\n');
  });

  it('run: a syntax error reports every bad line as FILE:LINE:COL and exits 2 before running', async () => {
    const f = script('bad.sock', 'print start\nfrob 1\nprint "open\n');
    const r = await sockshell(['run', f]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${f}:2:1: unknown command 'frob'; type help for the list\n${f}:3:7: unterminated string: add a closing "\n`);
  });

  it('run: stops at the first runtime error, exit 1', async () => {
    const f = script('fail.sock', 'print one\nrecvfrom 10\nprint never\n');
    const r = await sockshell(['run', f]);
    expect(r).toMatchObject({ status: 1, stdout: 'one\n' });
    expect(r.stderr).toBe(
      `${f}:2:1: recvfrom needs a socket: create one first (udp.socket, tcp.socket, udp.bind, tcp.listen, tcp.connect), or write NAME.recvfrom\n`,
    );
  });

  it('check: catches bad written-out values and variables never assigned', async () => {
    const f = script('values.sock', "s = udp.socket\ns.bind '' 99999\nrecvfrom abc\nprint $nope\n");
    const r = await sockshell(['check', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${f}:2:11: expected a port number from 0 to 65535, got 99999\n${f}:3:10: expected a buffer size from 0 to 16777216 bytes, as in recv 2048, got 'abc'\n${f}:4:7: $nope is never assigned in this script\n`,
    );
  });

  it('run: warns about an override the script never assigns', async () => {
    const f = script('typo.sock', 'serverPort = 12000\nprint $serverPort\n');
    const r = await sockshell(['run', f, 'serverport=1']);
    expect(r.stdout).toBe('12000\n');
    expect(r.stderr).toBe(`warning: serverport=… sets nothing: ${f} never assigns nor reads serverport; did you mean serverPort?\n`);
  });

  it('run: a failed expect says expected and got, with its line', async () => {
    const f = script('expect.sock', 'reply = upper hello\nexpect $reply == HELLO\nexpect $reply == hello\n');
    const r = await sockshell(['run', f]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${f}:3:8: expected 'hello', got 'HELLO'\n`);
  });

  it('run: exit N ends the script with status N', async () => {
    const f = script('exit.sock', 'print before\nexit 3\nprint after\n');
    expect(await sockshell(['run', f])).toMatchObject({ status: 3, stdout: 'before\n', stderr: '' });
  });

  it('a script run from a background job closes only its own sockets', async () => {
    const inner = script('inner.sock', 'i = udp.bind 127.0.0.1 0\n');
    const outer = script('outer.sock', `s = udp.bind 127.0.0.1 0\nrun ${inner}\na = s.getsockname\nprint outer still has s\n`);
    const r = await sockshell([], { input: `run ${outer} &\nwait %1\n` });
    expect(r).toMatchObject({ status: 0, stdout: 'outer still has s\n', stderr: '' });
  });

  it('check: validates without opening sockets', async () => {
    expect(await sockshell(['check', 'scripts/UDPServer.sock', 'scripts/TCPClient.sock'])).toMatchObject({ status: 0 });
    const f = script('check-bad.sock', 'udp.bind 1 2 3\n');
    const r = await sockshell(['check', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${f}:1:14: too many arguments for udp.bind`);
  });

  it('piped stdin: no prompts, errors as <stdin>:LINE:COL, the session goes on, exit 1', async () => {
    const r = await sockshell([], { input: 'print one\nupper $_\nprint two\n' });
    expect(r).toMatchObject({ status: 1, stdout: 'one\ntwo\n' });
    expect(r.stderr).toBe("<stdin>:2:7: $_ is not set yet: it holds the last command's result\n");
    const syntax = await sockshell([], { input: 'udp.bind 70000\nprint two\n' });
    expect(syntax).toMatchObject({
      status: 2,
      stdout: 'two\n',
      stderr: '<stdin>:1:10: expected a port number from 0 to 65535, got 70000\n',
    });
  });

  it('piped stdin: input takes the next line of the session', async () => {
    const r = await sockshell([], { input: 'x = input "say:"\nhello there\nprint $x\n' });
    expect(r).toMatchObject({ status: 0, stdout: 'hello there\n', stderr: '' });
  });

  it('piped stdin: blocks span lines; a syntax error exits 2', async () => {
    const ok = await sockshell([], { input: 'repeat 2\n  print hi\nend\n' });
    expect(ok).toMatchObject({ status: 0, stdout: 'hi\nhi\n' });
    const nested = await sockshell([], { input: 'repeat 2\n  if true\n    print nested\n  end\nend\nprint after\n' });
    expect(nested).toMatchObject({ status: 0, stdout: 'nested\nnested\nafter\n', stderr: '' });
    const bad = await sockshell([], { input: 'print a\nwhile\nend\nprint b\n' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('a\nb\n');
  });
});
