/**
 * `shutdown wr` has queued the FIN when it returns, as Python's does: the kernel's state for the
 * connection is FIN_WAIT (ss: FIN-WAIT-1 or 2)
 * and the peer's is CLOSE_WAIT. Node's end() asks libuv, which calls shutdown(2) only when the loop
 * next finds the socket writable, so `sockets` and the `shut` event said FIN_WAIT a turn before any
 * FIN had left: ss still said ESTABLISHED on both ends (truth4's audit, case B). With the addon the
 * shell now shuts down writing in the kernel itself; without it the call returns once Node has.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import type { Address, EngineOptions, SocketHandle } from '../src/engine/types.js';
import { BACK_END, rig, type Rig } from './engine-helpers.js';
import { hasPython, PEERS } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.engine.closeAll();
  r = null;
});

/**
 * /proc/net/tcp's states by number (include/net/tcp_states.h). FIN_WAIT1 and 2 are one here: the FIN
 * has left either way, and whether the peer's kernel has acknowledged it yet is its own timing (python3
 * reads FIN_WAIT1 here every time, the shell's engines read either).
 */
const STATES: Record<string, string> = { '01': 'ESTABLISHED', '04': 'FIN_WAIT', '05': 'FIN_WAIT', '08': 'CLOSE_WAIT' };

/** The kernel's state for the IPv4 loopback connection from local to remote, read now. */
function kernelState(local: Address, remote: Address): string {
  for (const row of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, l, rem, state] = row.trim().split(/\s+/);
    const portOf = (a: string | undefined): number => Number.parseInt(a?.slice(a.indexOf(':') + 1) ?? '', 16);
    if (portOf(l) === local.port && portOf(rem) === remote.port) return STATES[state!] ?? state!;
  }
  return 'gone';
}

/** The back ends; addon: the engine has the addon's calls (rig: the native back end, or the loop asked to use it). */
const ENGINES: readonly { name: string; options: Partial<EngineOptions>; addon: boolean }[] = [
  { name: BACK_END, options: {}, addon: BACK_END === 'native' },
  { name: 'loop without the addon', options: { blockingCalls: undefined, addonCalls: false }, addon: false },
  ...(nativeCalls().calls === null
    ? []
    : [{ name: 'loop with the addon', options: { blockingCalls: undefined, addonCalls: true }, addon: true }]),
];

it.runIf(hasPython)("python3's shutdown(SHUT_WR): the kernel says FIN_WAIT and the peer's CLOSE_WAIT when it returns", () => {
  const got = spawnSync('python3', [join(PEERS, 'ShutdownState.py')], { encoding: 'utf8', timeout: HANG_MS });
  expect(got.stdout.trim()).toBe('FIN_WAIT CLOSE_WAIT');
});

it.each(ENGINES)('$name: after shutdown wr returns, the FIN has gone (kernel: FIN_WAIT, peer CLOSE_WAIT)', async ({ options, addon }) => {
  r = rig(options);
  const { engine } = r;
  const l = engine.create('tcp', 4, { name: 'l', owner: 'main' });
  const server = await engine.bind(l, '127.0.0.1', 0);
  await engine.listen(l, 1);
  const k = engine.create('tcp', 4, { name: 'k', owner: 'main' });
  const accepting = engine.accept(l, { signal: new AbortController().signal, owner: 'main', name: 'a' });
  const { local } = await engine.connect(k, '127.0.0.1', server.port, { signal: new AbortController().signal });
  const { socket: a } = (await accepting) as { socket: SocketHandle };
  const sent = engine.shutdown(k, 'wr');
  // With the addon the call is done when it returns: nothing waits for a turn of the loop.
  if (addon) expect(sent).toBeUndefined();
  await sent;
  const states = `${kernelState(local, server)} ${kernelState(server, local)}`;
  expect(states).toBe('FIN_WAIT CLOSE_WAIT');
  expect(r.of('shut').map((e) => e.fin)).toEqual([true]);
  engine.close(a);
});
