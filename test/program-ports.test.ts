/**
 * What grading says a program under test bound instead of its port ({port}), read from the program's
 * own sockets (/proc) and the kernel's tables: real python3 servers in their own process groups.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { choseInstead } from '../src/transcript/program-ports.js';
import { freeFixedPort, hasPython } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';

let program: ChildProcess | null = null;

afterEach(() => {
  if (program?.pid !== undefined && program.exitCode === null) process.kill(program.pid, 'SIGKILL');
  program = null;
});

/** A python3 TCP server listening on each of ports, in a process group of its own; resolves once it listens. */
async function listeningOn(ports: readonly number[]): Promise<number> {
  const lines = ['import socket', 'held = []'];
  for (const port of ports) {
    lines.push(`s = socket.socket(); s.bind(("127.0.0.1", ${port})); s.listen(1); held.append(s)`);
  }
  lines.push('print("listening", flush=True)', 'import time', 'time.sleep(60)');
  const child = spawn('python3', ['-c', lines.join('\n')], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  program = child;
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('listening'), 'the python3 server to listen');
  return child.pid!;
}

describe.skipIf(!hasPython)('choseInstead', () => {
  it('names a port near the given one as {port} + N, and one far from it by its number', async () => {
    const given = await freeFixedPort();
    const pgid = await listeningOn([given + 1]);
    expect(choseInstead(pgid, given)).toBe('TCP port {port} + 1');
    expect(choseInstead(pgid, given + 500)).toBe(`TCP port ${given + 1}`);
  });

  it('says nothing once the program has bound the port it was given, though it holds another too', async () => {
    // Grading looked at {port} a moment before the program bound it, then found it here: it said "did
    // not bind the port {port} gave it; it bound TCP port {port} instead" under load.
    const given = await freeFixedPort();
    const pgid = await listeningOn([given, given + 1]);
    expect(choseInstead(pgid, given)).toBe('');
  });
});
