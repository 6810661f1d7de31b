import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { portBound } from '../../src/transcript/port-probe.js';
import { freeFixedPort, hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * What grading may touch (issue 17, items 14 and 15): a transcript from elsewhere keeps to its own
 * folder; a program under test that daemonizes is found, stopped and reported; what a program
 * writes to stderr reaches the grader escaped; `{port}` rewrites ports, never data.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-contain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sockshell test keeps a transcript to its own folder', () => {
  const folder = join(dir, 'hostile');
  mkdirSync(folder);
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'the key\n');
  writeFileSync(join(outside, 'other.sock'), 'print "ran a script from outside"\n');
  writeFileSync(join(folder, 'data.txt'), 'inside');
  symlinkSync(join(outside, 'secret.txt'), join(folder, 'link.txt'));
  // Each would pass (each expects its command to do its job quietly) if the command were allowed.
  const hostile: Record<string, string> = {
    'read-etc': '  sockshell> x = file /etc/hostname\n',
    'read-up': `  sockshell> x = file ${folder}/../outside/secret.txt\n`,
    'read-symlink': `  sockshell> x = file ${folder}/link.txt\n`,
    'write-export': `  sockshell> u = udp.socket\n  sockshell u> export ${outside}/written.py\n`,
    'write-recvfile': `  sockshell> c = tcp.socket\n  sockshell c> c.recvfile ${outside}/written.bin\n`,
    'write-diagram': `  sockshell> diagram --svg ${outside}/written.svg\n`,
    'run-outside': `  sockshell> run ${outside}/other.sock\n  ran a script from outside\n`,
  };
  for (const [name, text] of Object.entries(hostile)) writeFileSync(join(folder, `${name}.sockt`), text);

  it('each file read, write and script outside it is refused at its line, and nothing outside is written', async () => {
    const r = await sockshell(['test', '--feedback', 'student', ...Object.keys(hostile).map((n) => join(folder, `${n}.sockt`))]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\n0 passed, 7 failed\n$/);
    expect(r.stdout.match(/is outside the transcript's folder/g)).toHaveLength(7);
    expect(r.stdout).toContain(
      `/etc/hostname is outside the transcript's folder (${folder}): sockshell test lets a transcript touch only files in its own folder; --allow-files lifts this`,
    );
    for (const written of ['written.py', 'written.bin', 'written.svg']) expect(existsSync(join(outside, written))).toBe(false);
  });

  it('files inside its folder are allowed, and --allow-files lifts the restriction', async () => {
    const inside = join(folder, 'inside.sockt');
    writeFileSync(inside, `  sockshell> x = file ${folder}/data.txt\n  sockshell> print $x\n  inside\n`);
    expect((await sockshell(['test', inside])).stdout).toBe(`ok      ${inside}\n1 passed, 0 failed\n`);
    const read = join(folder, 'read-etc.sockt');
    expect((await sockshell(['test', '--allow-files', read])).stdout).toBe(`ok      ${read}\n1 passed, 0 failed\n`);
  });

  it("sockshell's own scripts/ may be read and run from any transcript, never written", async () => {
    const scripts = fileURLToPath(new URL('../../scripts/', import.meta.url));
    const reads = join(folder, 'shipped-read.sockt');
    writeFileSync(reads, `  sockshell> x = file ${scripts}UDPClient.sock\n  sockshell> print (len $x)\n  ...\n`);
    expect((await sockshell(['test', reads])).stdout).toBe(`ok      ${reads}\n1 passed, 0 failed\n`);
    const writes = join(folder, 'shipped-write.sockt');
    writeFileSync(writes, `  sockshell> u = udp.socket\n  sockshell u> save ${scripts}written.sock\n`);
    const r = await sockshell(['test', '--feedback', 'student', writes]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `written.sock is outside the transcript's folder (${folder}) (sockshell's own scripts may be read, not written)`,
    );
    expect(existsSync(join(scripts, 'written.sock'))).toBe(false);
    // The project's transcripts run the textbook's scripts from there, with no --allow-files.
    expect((await sockshell(['test', 'test/transcripts/textbook-scripts.sockt'])).stdout).toMatch(/^ok .*\n1 passed, 0 failed\n$/);
  });
});

describe.runIf(hasPython)('grading containment: the program under test', () => {
  it('a program that daemonizes (setsid and a double fork) is found, stopped, and fails the transcript', async () => {
    const port = await freeFixedPort();
    const daemon = join(dir, 'daemon.py');
    writeFileSync(
      daemon,
      [
        'import os, sys, time',
        'from socket import *',
        'r, w = os.pipe()',
        'if os.fork() == 0:',
        '    os.setsid()',
        '    if os.fork() == 0:',
        '        s = socket(AF_INET, SOCK_DGRAM); s.bind(("", int(sys.argv[1])))',
        '        os.write(w, b"up")',
        '        while True:',
        '            m, a = s.recvfrom(2048); s.sendto(m.upper(), a)',
        '    os._exit(0)',
        'os.read(r, 2)',
        'print("ready", flush=True)',
        'time.sleep(60)',
        '',
      ].join('\n'),
    );
    const transcript = join(dir, 'daemon.sockt');
    writeFileSync(
      transcript,
      `  sockshell> c = udp.socket\n  sockshell c> c.sendto hi localhost ${port}\n  2\n  sockshell c> c.recvfrom 100\n  (b'HI', ('127.0.0.1', ${port}))\n`,
    );
    const r = await sockshell(['test', '--with', `python3 ${daemon} ${port}`, transcript]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^FAIL {4}\\S+daemon\\.sockt: the program left a process running outside its process group \\(a daemon\\?\\), stopped with SIGKILL: pid \\d+: \\S*python3 ${daemon} ${port}\\n`,
      ),
    );
    expect(portBound(port)).toBe(false); // the daemon is gone, and its port with it
    const left = await runProcess('ps', ['-eo', 'stat=,args=']);
    expect(left.stdout.split('\n').filter((l) => l.includes(`${daemon} ${port}`) && !l.trim().startsWith('Z'))).toEqual([]);
  });

  it("a program's stderr reaches the report escaped, as everything else in test output is", async () => {
    const noisy = join(dir, 'noisy.py');
    writeFileSync(noisy, 'import sys\nsys.stderr.write("\\x1b]0;owned\\x07\\x1b]52;c;Y2xpcA==\\x07\\x1b[2Jboom\\n")\nsys.exit(3)\n');
    const transcript = join(dir, 'noisy.sockt');
    writeFileSync(transcript, '  sockshell> print x\n  x\n');
    const r = await sockshell(['test', '--with', `python3 ${noisy}`, transcript]);
    expect(r.stdout).toContain('exited (status 3) before it was ready: \\x1b]0;owned\\x07\\x1b]52;c;Y2xpcA==\\x07\\x1b[2Jboom\n');
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('{port} replaces the port where it stands as a port, never a data word equal to it', async () => {
    const port = await freeFixedPort();
    const transcript = join(dir, 'data-word.sockt');
    writeFileSync(
      transcript,
      `  sockshell> clientSocket = udp.socket\n  sockshell clientSocket> clientSocket.sendto ${port} localhost ${port}\n  5\n  sockshell clientSocket> clientSocket.recvfrom 100\n  (b'${port}', ('127.0.0.1', ${port}))\n`,
    );
    const r = await sockshell(['test', '--with', 'python3 test/peers/UDPServer.py {port}', '--port', String(port), transcript]);
    expect(r.stdout).toBe(`ok      ${transcript}\n1 passed, 0 failed\n`);
  });
});
