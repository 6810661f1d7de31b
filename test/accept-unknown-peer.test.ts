/**
 * A client that resets its connection while it waits in the accept queue. Python's accept returns the
 * client's address all the same (Linux fills accept's sockaddr even for a reset connection), and only
 * getpeername fails (ENOTCONN). With the addon the shell accepts as Python does and knows the address.
 * Without it Node's server accepts by itself and asks getpeername afterwards, which the kernel refuses
 * for a reset connection: the shell cannot know the address, and it showed ('', 0) as if it were one
 * (accept's value, the notice, `sockets`' ':0', the diagram's lane, getpeername's "its peer was  port
 * 0"). It must say the address is unknown, and never show a made-up one.
 *
 * The test's own loop is held (spawnSync) while the client connects and resets, so Node's server can
 * only accept after the reset: the race, made certain.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import { allLines, CoreDriver } from './helpers/core-driver.js';
import { hasPython, PEERS } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

/** Without the addon, Node's own server accepts (node-listener.ts) and cannot learn a reset client's address. */
const unknowable = process.env.SOCKSHELL_NATIVE === '0' || nativeCalls().calls === null;

it.skipIf(!hasPython)('a client reset before accept: its address, or the words that it is unknown, never a made-up one', async () => {
  const notices: string[] = [];
  shell = new CoreDriver({ onLine: (l) => notices.push(l.text) });
  await shell.ok('s = tcp.listen 127.0.0.1 0');
  const port = Number(/, (\d+)\)/.exec(await shell.ok('s.getsockname'))![1]);
  // This process's loop waits here: the client connects and resets before Node's server can accept.
  const client = spawnSync('python3', [join(PEERS, 'QueuedClient.py'), 'reset', String(port)], { encoding: 'utf8', timeout: HANG_MS });
  expect(client.status).toBe(0);
  const clientPort = Number(client.stdout.trim());
  const accepted = allLines(await shell.run('c, a = s.accept'));
  const value = await shell.run('$a');
  const table = await shell.run('sockets');
  const diagram = await shell.run('diagram');
  const peername = allLines(await shell.run('c.getpeername'));
  const everything = [...notices, accepted, value.out, table.out, diagram.out, peername].join('\n');
  expect(everything).not.toMatch(/\(''\s*,\s*0\)| :0\b|\s:0\s|port 0\b/);
  expect(peername).toMatch(/ENOTCONN/);
  if (!unknowable) {
    expect(value.out.trim()).toBe(`('127.0.0.1', ${clientPort})`);
    expect(table.out).toContain(`127.0.0.1:${clientPort}`);
    expect(diagram.out).toContain(`127.0.0.1:${clientPort}`);
    return;
  }
  expect(value.out.trim()).toBe('None');
  expect(accepted).toMatch(/address is unknown/);
  expect(table.out).toMatch(/│ \* c\s+│ TCP\s+│ 127\.0\.0\.1:\d+\s+│ unknown\s+│ RESET/);
  expect(diagram.out).toMatch(/address unknown/);
  expect(peername).toMatch(/address.*(unknown|not known)/);
});
