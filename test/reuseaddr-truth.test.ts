import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/native.js';
import { topic } from '../src/explain/topics.js';
import { CoreDriver, allLines, withoutReceiveNotes } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

/**
 * SO_REUSEADDR on a bound TCP socket (bindreal's leftover): the shell sets it as Node's bind does, so
 * a restarted server rebinds despite TIME_WAIT, and getsockopt showed the OS's 1 with nothing said,
 * where the textbook's TCPServer.py reads 0. The shell keeps setting it and says that it did (README,
 * Socket options); set to 0 before bind, it reads 0, as Python's.
 */
let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

/** The value getsockopt printed: its output's line that is not a # note. */
function value(out: string): string {
  return withoutReceiveNotes(out)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
}

/** What the textbook's server, socket() + bind + listen, reads: python3 itself. */
function pythonReads(setFirst: number | null): string {
  const set = setFirst === null ? '' : `s.setsockopt(SOL_SOCKET, SO_REUSEADDR, ${setFirst}); `;
  const code = `from socket import *\ns = socket(AF_INET, SOCK_STREAM); ${set}s.bind(('127.0.0.1', 0)); s.listen(1)\nprint(s.getsockopt(SOL_SOCKET, SO_REUSEADDR))`;
  return spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS }).stdout.trim();
}

describe.runIf(nativeCalls().calls !== null && hasPython)("SO_REUSEADDR on a bound TCP socket: the OS's value, and who set it", () => {
  it("reads 1 and says the shell set it (Python's reads 0); set to 0 before bind, reads 0 as Python's", async () => {
    expect(pythonReads(null)).toBe('0');
    expect(pythonReads(1)).toBe('1');
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('s = tcp.socket', 's.bind 127.0.0.1 0', 's.listen 1');
    const read = await shell.run('s.getsockopt SO_REUSEADDR');
    expect(value(read.out)).toBe('1');
    expect(allLines(read)).toContain('sockshell sets SO_REUSEADDR on every TCP socket it binds, as Node does');
    expect(allLines(read)).toContain("Python's socket reads 0 here unless the program set it");

    await shell.ok('t = tcp.socket', 't.setsockopt SO_REUSEADDR 0', 't.bind 127.0.0.1 0', 't.listen 1');
    const off = await shell.run('t.getsockopt SO_REUSEADDR');
    expect(value(off.out)).toBe(pythonReads(0));
    expect(allLines(off)).not.toContain('sockshell sets SO_REUSEADDR');

    // A UDP socket's is not set by the shell: 0, as Python's, and nothing to say.
    await shell.ok('u = udp.bind 127.0.0.1 0');
    const udp = await shell.run('u.getsockopt SO_REUSEADDR');
    expect(value(udp.out)).toBe('0');
    expect(allLines(udp)).not.toContain('sockshell sets SO_REUSEADDR');
    expect(topic('SO_REUSEADDR')?.text).toContain("getsockopt reads 1 where Python's reads 0");
  });
});
