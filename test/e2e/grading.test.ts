import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endGroup } from '../../src/transcript/process-group.js';
import { tcpHolders } from '../../src/engine/port-holders.js';
import { freeFixedPort, hasPython, portFarFromFresh, runProcess, sockshell, startServer } from '../helpers/proc.js';
import { waitFor, waitForAsync } from '../helpers/wait.js';

/**
 * Grading over real sockets: a transcript recorded against the textbook's server passes against a
 * correct Python server and fails, with a diff at the right line, against wrong ones. Each test
 * uses a fresh port (the textbook's TCPServer has no SO_REUSEADDR, so a reused port can be in
 * TIME_WAIT), written into a copy of the transcript.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function transcriptOn(name: 'udp-upper' | 'tcp-upper', port: number): string {
  const recorded = name === 'udp-upper' ? 21212 : 21213;
  const text = readFileSync(new URL(`../grading/${name}.sockt`, import.meta.url), 'utf8').replaceAll(String(recorded), String(port));
  const file = join(dir, `${name}-${port}.sockt`);
  writeFileSync(file, text);
  return file;
}

/** Processes whose command line contains `text` and that are still running (zombies have let go of their ports). */
async function liveProcesses(text: string): Promise<string[]> {
  const r = await runProcess('ps', ['-eo', 'stat=,args=']);
  return r.stdout.split('\n').filter((l) => l.includes(text) && !l.trim().startsWith('Z') && !l.includes('ps -eo'));
}

/** python3 running `lines` (after `from socket import *`), once it has printed its first line: a socket that holds a port. */
async function pythonHolding(lines: readonly string[]): Promise<ChildProcess> {
  const child = spawn('python3', ['-c', ['from socket import *', ...lines].join('\n')], { stdio: ['pipe', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return child;
}

function endHolder(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
}

describe.runIf(hasPython)('grading a program with sockshell test --with', () => {
  it("the textbook's UDPServer.py passes the recorded transcript", async () => {
    const port = await freeFixedPort();
    const r = await sockshell(['test', '--with', `python3 test/peers/UDPServer.py ${port}`, transcriptOn('udp-upper', port)], {});
    expect(r.stdout).toMatch(/^ok {6}.*udp-upper.*\n1 passed, 0 failed\n$/);
    expect(r.status).toBe(0);
  });

  it("the textbook's TCPServer.py passes the recorded transcript", async () => {
    const port = await freeFixedPort();
    const r = await sockshell(['test', '--with', `python3 test/peers/TCPServer.py ${port}`, transcriptOn('tcp-upper', port)], {});
    expect(r.stdout).toContain('1 passed, 0 failed');
    expect(r.status).toBe(0);
    expect(await liveProcesses(`TCPServer.py ${port}`)).toEqual([]); // stopped by its PID's group
  });

  it('a server that lower-cases fails, and the diff points at the reply lines', async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('udp-upper', port);
    const r = await sockshell(['test', '--with', `python3 test/peers/UDPServerLower.py ${port}`, file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `FAIL    ${file}\n--- ${file} (expected)\n+++ ${file} (this run, which stopped before line 14)\n@@ -8,6 +8,6 @@\n`,
    );
    expect(r.stdout).toContain("-  b'HELLO GRADER'\n+  b'hello grader'\n");
    // Lines 14 on never ran: the diff does not show them as context this run showed.
    expect(r.stdout).not.toContain('clientSocket> $serverAddress');
    // The # line above shows what this run said, not the transcript's stale words (user trial).
    expect(r.stdout).toContain(`-  # modifiedMessage = b'HELLO GRADER' from ('127.0.0.1', ${port})`);
    expect(r.stdout).toContain(`+  # modifiedMessage = b'hello grader' from ('127.0.0.1', ${port})`);
    // It stops at the first mismatch: the second reply is never asked for.
    expect(r.stdout).not.toContain("b'second line'");
    expect(r.stdout).toContain(
      "        at line 12: $modifiedMessage\n        expected: b'HELLO GRADER'\n        got:      b'hello grader'\n",
    );
    expect(r.stdout).toMatch(/0 passed, 1 failed\n$/);
  });

  it('a reply of another size: the diff shows the notice this run saw beside the one expected', async () => {
    const port = await freeFixedPort();
    const hello =
      'import sys; from socket import *; s = socket(AF_INET, SOCK_DGRAM); s.bind(("", int(sys.argv[1]))); print("ready", flush=True)\nwhile True:\n    m, a = s.recvfrom(2048); s.sendto(b"Hello\\n", a)\n';
    const server = join(dir, 'hello.py');
    writeFileSync(server, hello);
    const file = transcriptOn('udp-upper', port);
    // --timeout does two things here: the 6-byte reply must come within it (0.5 s could decide that on a
    // loaded machine), and the run then waits it out for the expected 12-byte notice, which never comes
    // (so 30 s made this test 30 s long). 5 s: far past a loopback reply under load, and a short wait.
    const r = await sockshell(['test', '--timeout', '5', '--with', `python3 ${server} ${port}`, file]);
    expect(r.status).toBe(1);
    const notice = (n: number) => `[clientSocket] a datagram of ${n} bytes from ('127.0.0.1', ${port}) is waiting; recvfrom will return it`;
    expect(r.stdout).toContain(`   12\n-  ${notice(12)}\n+  ${notice(6)}\n`);
    expect(r.stdout).toContain(`        expected: ${notice(12)}\n        got:      ${notice(6)}\n`);
  });

  it('a TCP server that lower-cases fails too', async () => {
    const port = await freeFixedPort();
    const r = await sockshell(['test', '--with', `python3 test/peers/TCPServerLower.py ${port}`, transcriptOn('tcp-upper', port)], {});
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("-  b'HELLO GRADER'\n+  b'hello grader'\n");
  });

  it('a server that never answers fails with a timeout at the recvfrom line; nothing hangs', async () => {
    const port = await freeFixedPort();
    const r = await sockshell(
      ['test', '--timeout', '0.5', '--with', `python3 test/peers/UDPServerSilent.py ${port}`, transcriptOn('udp-upper', port)],
      {},
    );
    expect(r.status).toBe(1);
    // The reply's notice never came: it fails there, after --timeout, and runs nothing after it. The
    // feedback points at the reply that did not come, not at the sendto, which did what was expected.
    expect(r.stdout).toContain(
      `        at line 9: no datagram arrived on clientSocket; line 5 before it (clientSocket.sendto "hello grader" localhost ${port}) did what was expected\n` +
        `        expected: [clientSocket] a datagram of 12 bytes from ('127.0.0.1', ${port}) is waiting; recvfrom will return it\n` +
        `        got:      no datagram arrived on clientSocket within --timeout (0.5 s)\n`,
    );
    // The diff ends where the run stopped: the recvfrom after it never ran, so it is not shown as if it had.
    expect(r.stdout).toContain('(this run, which stopped before line 10)\n');
    expect(r.stdout).not.toContain('clientSocket.recvfrom');
  });

  it('program N> lines act on the Nth --with program; one past the programs given is an error at its line', async () => {
    // Two line filters: one upper-cases each line it reads, the other reverses it.
    const filter = (expr: string) => `python3 -c "import sys\nfor l in sys.stdin: print(${expr}, flush=True)"`;
    const file = join(dir, 'two-programs.sockt');
    writeFileSync(
      file,
      [
        'Each program answers on its own standard output.',
        '',
        '  program> start',
        '  program 2> stdin hello',
        '  program 2> stdout',
        '  olleh',
        '  program> stdin hello',
        '  program> stdout',
        '  HELLO',
        '  program> eof',
        '  program> wait',
        '  exit status 0',
        '  program 2> eof',
        '  program 2> wait',
        '  exit status 0',
        '',
      ].join('\n'),
    );
    const both = ['--with', filter('l.strip().upper()'), '--with', filter('l.strip()[::-1]')];
    const r = await sockshell(['test', ...both, file], {});
    expect(r.stdout).toBe(`ok      ${file}\n1 passed, 0 failed\n`);
    // The programs in the other order: the first check fails, at its line, with the other's answer.
    const swapped = await sockshell(['test', '--feedback', 'student', ...both.slice(2), ...both.slice(0, 2), file], {});
    expect(swapped.status).toBe(1);
    expect(swapped.stdout).toContain('at line 5: program 2> stdout\n        expected: olleh\n        got:      HELLO');
    const one = await sockshell(['test', ...both.slice(0, 2), file], {});
    expect(one.status).toBe(2);
    expect(one.stderr).toContain(`${file}:4: program 2> lines need at least 2 --with programs; 1 given`);
  });

  it('a program that exits before it is ready is reported, and the transcript fails', async () => {
    const port = await freeFixedPort();
    const r = await sockshell(['test', '--with', 'python3 -c "raise SystemExit(3)"', transcriptOn('udp-upper', port)], {});
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('--with "python3 -c "raise SystemExit(3)"" exited (status 3) before it was ready');
  });

  it('a program that never gets ready is reported after --ready-timeout and stopped', async () => {
    const port = await freeFixedPort();
    const r = await sockshell([
      'test',
      '--ready-timeout',
      '0.5',
      '--port',
      String(port),
      '--with',
      'sleep 30',
      transcriptOn('udp-upper', port),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('--with "sleep 30" was not ready after 0.5 s: it printed no line and port');
  });
});

describe.runIf(hasPython)('grading: the program under test', () => {
  it('a port already held before the program starts is refused, so a leftover server is never graded', async () => {
    const port = await freeFixedPort();
    const { createSocket } = await import('node:dgram');
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(port, '127.0.0.1', r));
    try {
      const r = await sockshell(['test', '--port', String(port), '--with', 'sleep 5', transcriptOn('udp-upper', port)], {});
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`port ${port} is in use before --with "sleep 5" started`);
    } finally {
      squatter.close();
    }
  });

  it('the next transcript starts only once every process of the last program has ended and let go of its port', async () => {
    // Started by `sh -c`, silent (ready only by --port), and slow to die: it holds its port for
    // 0.3 s after SIGTERM, long after the shell around it has exited.
    const port = await freeFixedPort();
    const quiet =
      'import signal, sys, time; from socket import *; s = socket(AF_INET, SOCK_DGRAM); s.bind(("", int(sys.argv[1])))\n' +
      'signal.signal(signal.SIGTERM, lambda *_: (time.sleep(0.3), sys.exit(0)))\n' +
      'while True:\n    m, a = s.recvfrom(2048); s.sendto(m.upper(), a)\n';
    const file = join(dir, 'quiet.py');
    writeFileSync(file, quiet);
    const transcript = transcriptOn('udp-upper', port);
    const r = await sockshell(
      ['test', '--port', String(port), '--with', `python3 ${file} ${port}`, transcript, transcript, transcript],
      {},
    );
    expect(r.stdout).toBe(`ok      ${transcript}\n`.repeat(3) + '3 passed, 0 failed\n');
    expect(r.status).toBe(0);
    expect(await liveProcesses(`${file} ${port}`)).toEqual([]);
  });

  it('ending the group waits for the program `sh -c` started, however slow it is to shut down, and frees its port', async () => {
    const port = await freeFixedPort();
    const marker = join(dir, `ended-${port}`);
    const slow =
      'import signal, sys, time; from socket import *; s = socket(AF_INET, SOCK_STREAM); s.bind(("", int(sys.argv[1]))); s.listen(1)\n' +
      `signal.signal(signal.SIGTERM, lambda *_: (time.sleep(0.4), open(${JSON.stringify(marker)}, "w").close(), sys.exit(0)))\n` +
      'print("ready", flush=True)\nwhile True: time.sleep(1)\n';
    const file = join(dir, 'slow.py');
    writeFileSync(file, slow);
    const { spawn } = await import('node:child_process');
    // `; :` keeps sh from exec'ing python, so python is sh's child, as with any longer command.
    const sh = spawn('sh', ['-c', `python3 ${file} ${port}; :`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => sh.stdout.once('data', () => resolve()));
    expect(await endGroup(sh.pid!)).toBeNull();
    expect(existsSync(marker)).toBe(true); // it shut down in its own time: SIGKILL did not cut it short
    expect(await liveProcesses(`${file} ${port}`)).toEqual([]);
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '0.0.0.0', resolve));
    probe.close();
  });

  it('a program that crashes during the replay is reported with its last words', async () => {
    const port = await freeFixedPort();
    const crash =
      'import sys; from socket import *; s = socket(AF_INET, SOCK_DGRAM); s.bind(("", int(sys.argv[1]))); print("ready", flush=True); s.recvfrom(2048); raise SystemExit("crashed on the first datagram")';
    const file = join(dir, 'crash.py');
    writeFileSync(file, crash.replaceAll('; ', '\n'));
    // --timeout is a bound: the program's end ends the wait (0.5 s could stop it before it crashed, under load).
    const r = await sockshell(['test', '--timeout', '30', '--with', `python3 ${file} ${port}`, transcriptOn('udp-upper', port)], {});
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`--with "python3 ${file} ${port}" exited (status 1) before it was stopped: crashed on the first datagram`);
    // With {port}, the command as written, the same every run (instructor trial: it showed this run's port).
    const fresh = await sockshell([
      'test',
      '--timeout',
      '30',
      '--with',
      `python3 ${file} {port}`,
      '--port',
      String(port),
      transcriptOn('udp-upper', port),
    ]);
    expect(fresh.stdout).toContain(
      `--with "python3 ${file} {port}" exited (status 1) before it was stopped: crashed on the first datagram`,
    );
  });

  it('a server that crashes ends the wait for its reply at once, with how it ended, not at --timeout', async () => {
    // It crashed on the first datagram and the transcript waited out --timeout for a reply (5 s by
    // default), then said only that none came in that time. --timeout 60 here: a run that waits it out
    // would outlast the test.
    const port = await freeFixedPort();
    const file = join(dir, 'crash-divides.py');
    writeFileSync(
      file,
      [
        'import sys',
        'from socket import *',
        's = socket(AF_INET, SOCK_DGRAM)',
        "s.bind(('', int(sys.argv[1])))",
        "print('ready', flush=True)",
        's.recvfrom(2048)',
        'x = 1 / 0',
      ].join('\n'),
    );
    const notice = await sockshell(['test', '--timeout', '60', '--with', `python3 ${file} ${port}`, transcriptOn('udp-upper', port)]);
    expect(notice.status).toBe(1);
    expect(notice.stdout).toContain(
      '        got:      no datagram arrived on clientSocket: the program ended (exit status 1), so nothing more could come\n',
    );
    expect(notice.stdout).toContain('          ZeroDivisionError: division by zero\n');
    // A transcript that waits in recvfrom itself (no notice line before it): the call is stopped there.
    const blocking = await sockshell([
      'test',
      '--timeout',
      '60',
      '--feedback',
      'student',
      '--with',
      `python3 ${file} {port}`,
      '--port',
      '21212',
      'test/grading/udp-server/transcripts/upper.sockt',
    ]);
    expect(blocking.stdout).toContain(
      [
        '        at line 11: modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
        '        expected: (nothing more)',
        '        got:      (the program ended (exit status 1), so nothing more could come to this call)',
        '        (the lines after it were not run)',
        '        the program: exit status 1',
      ].join('\n'),
    );
  });

  it('SIGTERM to sockshell test stops the program under test too', async () => {
    const port = await freeFixedPort();
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        'dist/cli.js',
        'test',
        '--timeout',
        '20',
        '--with',
        `python3 test/peers/UDPServerSilent.py ${port}`,
        transcriptOn('udp-upper', port),
      ],
      { stdio: 'ignore' },
    );
    try {
      const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      // sockshell sets up its signal handling before it starts the program, so once the program
      // runs, SIGTERM must stop both.
      const program = `test/peers/UDPServerSilent.py ${port}`;
      // The program itself (python3, by whatever path), not sockshell or sh, whose argv also name it.
      await waitForAsync(
        async () => (await liveProcesses(program)).some((l) => l.trim().split(/\s+/)[1]?.endsWith('python3')),
        'the --with program',
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      // SIGKILL to its group on the way out: it may take the kernel a moment to finish it.
      await waitForAsync(async () => (await liveProcesses(program)).length === 0, 'the program to be gone');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describe.runIf(hasPython)('grading TCP servers run after run: TIME_WAIT', () => {
  it("on the transcript's fixed port, the second run fails with an explanation of TIME_WAIT and what to do", async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    const command = `python3 test/peers/TCPServer.py ${port}`;
    const first = await sockshell(['test', '--with', command, file]);
    expect(first.stdout).toContain('1 passed, 0 failed');
    // The textbook server closed the connection first: its side waits out TIME_WAIT on the port, once
    // the kernel has had the client's FIN (the client's process may have just ended; under load that
    // FIN can still be on its way when the first run returns).
    await waitFor(
      () => tcpHolders(port)?.timeWait === 1,
      () => `TIME_WAIT on ${port}: ${JSON.stringify(tcpHolders(port))}`,
    );
    expect(tcpHolders(port)).toMatchObject({ other: 0, timeWait: 1 });
    // With --port too: closed connections are not taken for a leftover server that holds the port.
    const second = await sockshell(['test', '--port', String(port), '--with', command, file]);
    expect(second.status).toBe(1);
    expect(second.stdout).toContain(
      `FAIL    ${file}: --with "${command}" exited (status 1) before it was ready: OSError: [Errno 98] Address already in use\n`,
    );
    expect(second.stdout).toMatch(
      new RegExp(
        `\\n {8}port ${port} is held only by 1 closed connection in TIME_WAIT \\(it ends in \\d+ s\\), not by a running program\\.\\n`,
      ),
    );
    expect(second.stdout).toContain(`\n          --with "python3 test/peers/TCPServer.py {port}" --port ${port}\n`);
  });

  it('with {port}, each run gets a fresh port, substituted for --port in the transcript; back to back, all pass', async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    const r = await sockshell(['test', '--with', 'python3 test/peers/TCPServer.py {port}', '--port', String(port), file, file, file], {});
    expect(r.stdout).toBe(`ok      ${file}\n`.repeat(3) + '3 passed, 0 failed\n');
    expect(r.status).toBe(0);
    expect(tcpHolders(port)).toEqual({ timeWait: 0, other: 0, lastEndsInMs: 0 }); // the transcript's own port was never used
  });

  it("with {port}, a program that binds the transcript's port itself is told so at once, with the way round it", async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    // TCPServer.py binds its first argument: given the recorded port first, it ignores {port}, as a hard-coded server does.
    const r = await sockshell(['test', '--with', `python3 test/peers/TCPServer.py ${port} {port}`, '--port', String(port), file], {});
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `did not bind the port \\{port\\} gave it,\n +but port ${port}, the transcript's, is bound: the program seems to choose its port itself`,
      ),
    );
    expect(r.stdout).toContain(`--with "sed 's/${port}/{port}/' test/peers/TCPServer.py | python3 -" --port ${port}`);
    expect(await liveProcesses(`TCPServer.py ${port}`)).toEqual([]);
  });

  it("with {port}, a program with the transcript's port written into it meets the instructor's own server there: told which port, and who holds it", async () => {
    // Instructor trial: the instructor's own server, left running on the transcript's port, made the
    // hard-coded server's bind fail, and the feedback said only that it "tried another port, one in use".
    const port = await freeFixedPort();
    const file = transcriptOn('udp-upper', port);
    const own = await startServer('python3', ['test/peers/UDPServer.py', String(port)], 'ready to receive');
    try {
      const program = join(dir, 'hard-coded.py');
      writeFileSync(
        program,
        readFileSync('test/grading/udp-server/submissions/hard-coded-port/UDPServer.py', 'utf8').replaceAll('21212', String(port)),
      );
      const r = await sockshell(['test', '--with', `python3 ${program} {port}`, '--port', String(port), file]);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        `FAIL    ${file}: --with "python3 ${program} {port}" exited (status 1) before it was ready: OSError: [Errno 98] Address already in use\n`,
      );
      expect(r.stdout).toMatch(
        new RegExp(
          `\\n {8}the port \\{port\\} gave it was free, so it tried port ${port}, the transcript's, which another program holds \\(\\S*python3\\S* test/peers/UDPServer\\.py ${port}\\)\\.\\n`,
        ),
      );
      expect(r.stdout).toContain(`--with "sed 's/${port}/{port}/' ${program} | python3 -" --port ${port}`);
    } finally {
      await own.stop();
    }
  });

  it("with {port}, a program that takes the transcript's port from the socket that held it when the run began (a run beside it under -j) is told so", async () => {
    // grading-batch's hard-coded UDP server under load: the run beside this one held the port when this
    // run began, let it go, and this run's program took it. The run waited out its ready timeout and
    // said the program never bound its port, instead of saying it chose its port itself.
    const port = await freeFixedPort();
    const file = transcriptOn('udp-upper', port);
    const holder = await pythonHolding([
      's = socket(AF_INET, SOCK_DGRAM)',
      `s.bind(('', ${port}))`,
      "print('held', flush=True)",
      'input()',
    ]);
    try {
      // The program ends the holder by its PID, then binds the port as soon as it is free (1,000 tries at most).
      const program = join(dir, 'takes-port.py');
      writeFileSync(
        program,
        [
          'import os, signal, sys, time',
          'from socket import *',
          'os.kill(int(sys.argv[1]), signal.SIGKILL)',
          's = socket(AF_INET, SOCK_DGRAM)',
          'for attempt in range(1000):',
          '    try:',
          "        s.bind(('', int(sys.argv[2])))",
          '        break',
          '    except OSError:',
          '        time.sleep(0.01)',
          "print('The server is ready to receive', flush=True)",
          'while True:',
          '    m, a = s.recvfrom(2048)',
          '    s.sendto(m.upper(), a)',
        ].join('\n'),
      );
      const command = `python3 ${program} ${holder.pid} ${port} {port}`;
      const r = await sockshell(['test', '--ready-timeout', '60', '--with', command, '--port', String(port), file], {});
      expect(r.stdout).toMatch(
        new RegExp(
          `did not bind the port \\{port\\} gave it,\n +but port ${port}, the transcript's, is bound: the program seems to choose its port itself`,
        ),
      );
      expect(r.status).toBe(1);
      expect(await liveProcesses(`${program} `)).toEqual([]);
    } finally {
      endHolder(holder);
    }
  });

  it("with {port}, a server already on the transcript's port that accepts a connection while the program starts is not taken for the program", async () => {
    // The student's own server, left running on the transcript's port, accepts a connection after the run
    // looked at the port: the accepted connection is a new socket on that port, and grading said the
    // program chose its port itself, though it binds {port} (a second later than its ready line).
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    const leftover = await pythonHolding([
      's = socket(AF_INET, SOCK_STREAM)',
      `s.bind(('', ${port}))`,
      's.listen(5)',
      "print('held', flush=True)",
      'kept = []',
      'while True:',
      '    kept.append(s.accept()[0])',
    ]);
    try {
      const program = join(dir, 'slow-bind.py');
      writeFileSync(
        program,
        [
          'import sys, time',
          'from socket import *',
          "print('The server is ready to receive', flush=True)",
          // Someone reaches the left-over server on the transcript's port while this program starts.
          'c = socket(AF_INET, SOCK_STREAM)',
          "c.connect(('127.0.0.1', int(sys.argv[1])))",
          'time.sleep(1)',
          's = socket(AF_INET, SOCK_STREAM)',
          "s.bind(('', int(sys.argv[2])))",
          's.listen(1)',
          'while True:',
          '    conn, addr = s.accept()',
          '    conn.send(conn.recv(1024).upper())',
          '    conn.close()',
        ].join('\n'),
      );
      // --ready-timeout 60 as a bound: the program binds a second after its ready line, and the default 5 s
      // could run out on a loaded machine before python3 got there.
      const r = await sockshell(
        ['test', '--ready-timeout', '60', '--with', `python3 ${program} ${port} {port}`, '--port', String(port), file],
        {},
      );
      expect(r.stdout).not.toContain('choose its port itself');
      expect(r.stdout).toBe(`ok      ${file}\n1 passed, 0 failed\n`);
      expect(r.status).toBe(0);
    } finally {
      endHolder(leftover);
    }
  });

  it('with {port}, a program that binds a port of its own is told which, once it says it is ready: {port} + 1, or the number written into it', async () => {
    // Instructor trial: a student's serverPort = int(sys.argv[1]) + 1, and one with 12000 written in,
    // waited out --ready-timeout and were told only "never bound the port {port} gave it".
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    const textbook = readFileSync('test/peers/TCPServer.py', 'utf8');
    const fixed = await portFarFromFresh();
    const programs: [string, string, string][] = [
      ['plus-one.py', 'int(sys.argv[1]) + 1', 'TCP port {port} + 1'],
      ['fixed.py', String(fixed), `TCP port ${fixed}`],
    ];
    for (const [name, serverPort, said] of programs) {
      const program = join(dir, name);
      writeFileSync(program, textbook.replace('int(sys.argv[1])', serverPort));
      const r = await sockshell(['test', '--ready-timeout', '60', '--with', `python3 ${program} {port}`, '--port', String(port), file]);
      expect(r.stdout).toContain(
        `--with "python3 ${program} {port}" did not bind the port {port} gave it; it bound ${said} instead: does it read its port from its arguments?\n`,
      );
      expect(r.status).toBe(1);
    }
  });

  it('with {port}, another --with program that is not given it is ready by its first line, as without {port}', async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    const helper = `python3 -c "print('helper up', flush=True); import time; time.sleep(30)" ${port}9`;
    const r = await sockshell(['test', '--with', helper, '--with', 'python3 test/peers/TCPServer.py {port}', '--port', String(port), file]);
    expect(r.stdout).toBe(`ok      ${file}\n1 passed, 0 failed\n`);
    expect(await liveProcesses(`${port}9`)).toEqual([]);
  });

  it("with {port}, a diff and --update show the transcript's port, not this run's", async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('udp-upper', port);
    const args = ['--with', 'python3 test/peers/UDPServerLower.py {port}', '--port', String(port), file];
    const r = await sockshell(['test', ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `FAIL    ${file}\n--- ${file} (expected)\n+++ ${file} (this run, which stopped before line 14)\n@@ -8,6 +8,6 @@\n`,
    );
    expect(r.stdout).toContain(`+  # modifiedMessage = b'hello grader' from ('127.0.0.1', ${port}), where clientSocket sent to\n`);
    const before = readFileSync(file, 'utf8');
    expect((await sockshell(['test', '--update', '--force', ...args])).stdout).toBe(`updated ${file}\n1 passed, 0 failed\n`);
    // Commentary is not compared, but --update writes what this run said: the # lines about the replies
    // change with them (user trial: a stale # reply = b'HELLO' was kept above b'hello'); the ports stay {port}.
    expect(readFileSync(file, 'utf8')).toBe(
      before.replaceAll("b'HELLO GRADER'", "b'hello grader'").replaceAll("b'SECOND LINE'", "b'second line'"),
    );
  });

  it('a server that sets SO_REUSEADDR is graded run after run on its fixed port: TIME_WAIT is not taken for the program being ready', async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    // Silent, so ready only once --port is bound by it, not by the TIME_WAIT the first run left; it
    // binds 0.3 s late on purpose, so a grader that took that TIME_WAIT for it would replay too soon.
    const reuse =
      'import sys, time; from socket import *; time.sleep(0.3); s = socket(AF_INET, SOCK_STREAM); s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)\n' +
      's.bind(("", int(sys.argv[1]))); s.listen(1)\nwhile True:\n    c, a = s.accept(); c.send(c.recv(1024).decode().upper().encode()); c.close()\n';
    const server = join(dir, 'reuse.py');
    writeFileSync(server, reuse);
    const r = await sockshell(['test', '--port', String(port), '--with', `python3 ${server} ${port}`, file, file]);
    expect(r.stdout).toBe(`ok      ${file}\n`.repeat(2) + '2 passed, 0 failed\n');
    expect(tcpHolders(port)?.timeWait).toBe(2);
  });

  it('a program holding the port is still refused when TIME_WAIT connections share it', async () => {
    const port = await freeFixedPort();
    const file = transcriptOn('tcp-upper', port);
    expect((await sockshell(['test', '--with', `python3 test/peers/TCPServer.py ${port}`, file])).status).toBe(0);
    const { createSocket } = await import('node:dgram');
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(port, '127.0.0.1', r));
    try {
      const r = await sockshell(['test', '--port', String(port), '--with', 'sleep 5', file]);
      expect(r.stdout).toContain(`port ${port} is in use before --with "sleep 5" started`);
    } finally {
      squatter.close();
    }
  });

  it("{port} without --port is a usage error: the transcript's port would be unknown", async () => {
    const r = await sockshell(['test', '--with', 'python3 test/peers/TCPServer.py {port}', 'test/grading/tcp-upper.sockt']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("{port} in --with needs the port the transcript was written against: --port N, or 'port: N' in its header");
  });
});
