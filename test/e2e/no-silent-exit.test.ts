import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { untilIdle } from '../helpers/idle.js';
import { sockshell } from '../helpers/proc.js';
import { ShellProcess } from '../helpers/shell-process.js';

/**
 * Issue 17 item 1: a script or piped session must not end by itself, exit status 0, while a call waits
 * on a socket with no descriptor yet (UDP never bound). It waits as Python does, until Ctrl-C; and the
 * exit status reflects every failure of the session, a background job's included.
 */

const dir = mkdtempSync(join(tmpdir(), 'sockshell-alive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const FORGOT_BIND = `serverSocket = udp.socket
print "The server is ready to receive"
while true
  m, a = serverSocket.recvfrom 2048
end
`;

/**
 * Runs `sockshell ARGS` with this stdin, lets check see it, and stops it by PID at the end. The
 * checks of one file run concurrently: each waits (about 8 s) for V8's delayed tasks to pass before
 * its shell can be seen idle.
 */
async function withShell(args: readonly string[], input: string, check: (s: ShellProcess) => Promise<void>): Promise<void> {
  const s = new ShellProcess(args);
  try {
    s.child.stdin!.end(input);
    await check(s);
  } finally {
    s.stop();
  }
}

/** The shell waits (idle, not ending by itself); Ctrl-C then ends it with 130 and says so. */
async function waitsUntilInterrupted(s: ShellProcess, said: string): Promise<void> {
  await untilIdle(s.pid, () => s.exited());
  s.child.kill('SIGINT');
  expect(await s.exit).toBe(130);
  expect(s.err).toContain(said);
}

describe('a waiting call keeps the shell alive', () => {
  it.concurrent('run: the textbook server that forgot bind waits in recvfrom, as Python does', async () => {
    await withShell(['run', script('forgot.sock', FORGOT_BIND)], '', async (s) => {
      await s.waitFor('The server is ready to receive');
      await waitsUntilInterrupted(s, 'forgot.sock:4:23: interrupted while recvfrom waited');
    });
  });

  it.concurrent('piped: stays in recvfrom after its input ended, and the earlier failure is not lost', async () => {
    const input = 'print start\nexpect 1 == 2\nu = udp.socket\nm = u.recvfrom 100\nprint "never reached"\n';
    await withShell([], input, async (s) => {
      await s.waitFor('expected 2, got 1');
      await waitsUntilInterrupted(s, '<stdin>: interrupted');
      expect(s.out).toBe('start\n');
    });
  });

  it.concurrent('piped: wait %1 on a job waiting in recvfrom keeps the session', async () => {
    const forgot = script('forgot-job.sock', FORGOT_BIND);
    await withShell([], `run ${forgot} &\nwait %1\nprint "never reached"\n`, async (s) => {
      await s.waitFor('The server is ready to receive');
      await waitsUntilInterrupted(s, '<stdin>: interrupted');
      expect(s.out).not.toContain('never reached');
    });
  });

  it("run: a background job's failure makes the exit status 1, waited for or not", async () => {
    const bad = script('bad.sock', 'expect 1 == 2\n');
    const waited = await sockshell(['run', script('outer.sock', `run ${bad} &\nwait %1\nprint after\n`)]);
    expect(waited).toMatchObject({ status: 1, stdout: 'after\n' });
    expect(waited.stderr).toContain('[1] ');
    expect(waited.stderr).toContain('expected 2, got 1');
    const piped = await sockshell([], { input: `run ${bad} &\nwait %1\nprint after\n` });
    expect(piped).toMatchObject({ status: 1, stdout: 'after\n' });
  });
});
