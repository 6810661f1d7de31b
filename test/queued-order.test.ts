/**
 * Connections waiting in a kernel listener's queue (kernel-listener.ts, the addon's queuedpeers) are
 * told in the order they came, as accept will return them. sock_diag lists them in the order of its
 * hash table; the addon puts them in order by how long ago each was established. python3 makes the
 * connections one after another, 20 ms apart (5 ticks of a 250 Hz kernel clock), while this process
 * is blocked, so the shell finds them all queued at once, as a busy server does.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, nativeCalls } from '../src/engine/index.js';
import type { Engine, EngineEvent } from '../src/engine/types.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

const CLIENTS = 8;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.closeAll();
  engine = null;
});

/** python3 connecting CLIENTS clients to port, 20 ms apart; their ports, in the order they connected. */
function connectInTurn(port: number): number[] {
  const code = `
import socket, sys, time
held = []
for i in range(${CLIENTS}):
    c = socket.create_connection(('127.0.0.1', ${port}))
    held.append(c)
    print(c.getsockname()[1], flush=True)
    time.sleep(0.02)
`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n').map(Number);
}

describe.runIf(hasPython && nativeCalls().calls !== null)('queued connections, told in the order they came', () => {
  it.each([
    ['run (blocking calls in the addon)', { blockingCalls: () => true }],
    ['the interactive shell', {}],
  ] as const)('%s: each told once, the first to connect first, and accept returns them in that order', async (_, options) => {
    const events: EngineEvent[] = [];
    engine = createEngine({ ...options, sink: (e) => events.push(e) });
    const s = engine.create('tcp', 4, { name: 's', owner: 'main' });
    await engine.bind(s, '127.0.0.1', 0);
    const { port } = await engine.listen(s, CLIENTS + 1);
    const order = connectInTurn(port);
    expect(order).toHaveLength(CLIENTS);
    const told = () => events.filter((e) => e.kind === 'incoming').map((e) => e.from?.port);
    await waitFor(
      () => told().length === CLIENTS,
      () => `${CLIENTS} connections told (so far: ${JSON.stringify(told())})`,
    );
    expect(told()).toEqual(order);
    const accepted: number[] = [];
    for (let i = 0; i < CLIENTS; i++) accepted.push((await engine.accept(s, { owner: 'main', name: `c${i}` })).address?.port ?? -1);
    expect(accepted).toEqual(order);
    expect(told()).toHaveLength(CLIENTS); // none told again as it was accepted
  });
});
