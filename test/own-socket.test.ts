/**
 * ownSocket: whether a program under test has made a socket of its own yet, read from /proc without the
 * kernel's socket tables (instructor trial 3, finding 3: each readiness look cost a sock_diag dump, 3.4 ms
 * of system CPU, ~25 times while python3 started). Its standard input, output and error are socketpairs
 * (Node's pipes): they are not its own. A real python3 program that makes its socket when told to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ownSocket, stdioSockets } from '../src/transcript/program-ports.js';
import { hasPython } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

let program: ChildProcess | null = null;

afterEach(() => {
  if (program?.pid !== undefined && program.exitCode === null) process.kill(program.pid, 'SIGKILL');
  program = null;
});

describe.runIf(hasPython && process.platform === 'linux')('ownSocket', () => {
  it('false before the program makes its socket (its piped stdio left out), true once it has', async () => {
    const code = [
      'import sys, socket',
      'print("no socket yet", flush=True)',
      'sys.stdin.readline()',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      'print("made one", flush=True)',
      'sys.stdin.readline()',
    ].join('\n');
    const child = spawn('python3', ['-c', code], { stdio: ['pipe', 'pipe', 'pipe'] });
    program = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const inherited = stdioSockets(child.pid!);
    // Node pipes a child's stdio through socketpairs: that is what ownSocket must leave out.
    expect(inherited.size).toBeGreaterThan(0);
    await waitFor(() => out.includes('no socket yet'), 'python3 to start');
    expect(ownSocket(child.pid!, inherited)).toBe(false);
    child.stdin.write('\n');
    await waitFor(() => out.includes('made one'), 'python3 to make its socket');
    expect(ownSocket(child.pid!, inherited)).toBe(true);
  });

  it('sees a socket a child of the program made (sh -c runs python3 as its child)', async () => {
    const child = spawn(
      'sh',
      ['-c', 'python3 -c "import socket, sys; s = socket.socket(); print(1, flush=True); sys.stdin.readline()"; true'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    program = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const inherited = stdioSockets(child.pid!);
    await waitFor(() => out.includes('1'), 'python3 to make its socket');
    expect(ownSocket(child.pid!, inherited)).toBe(true);
    child.stdin.write('\n');
  });
});
