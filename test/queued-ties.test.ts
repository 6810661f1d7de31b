/**
 * Connections queued within one tick of the kernel's clock have the same age in tcp_info, so the
 * addon cannot tell which came first and they keep sock_diag's order; the notice for the first one
 * said "accept will return it" all the same (closing note of 2026-12-05). The addon now marks such
 * records, and the notice says the order is not known. python3 makes the connections while this
 * process is blocked (spawnSync), so the shell finds them all queued at once.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, nativeCalls } from '../src/engine/index.js';
import type { Engine, EngineEvent } from '../src/engine/types.js';
import { EVENT_SAYS } from '../src/session/events.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

const CLIENTS = 8;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.closeAll();
  engine = null;
});

/** python3 connecting CLIENTS clients to port, `gap` seconds apart, holding them until it exits. */
function connect(port: number, gap: number): void {
  const code = `
import socket, time
held = []
for i in range(${CLIENTS}):
    held.append(socket.create_connection(('127.0.0.1', ${port})))
    time.sleep(${gap})
`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
}

type Incoming = Extract<EngineEvent, { kind: 'incoming' }>;

async function queued(gap: number): Promise<Incoming[]> {
  const events: EngineEvent[] = [];
  engine = createEngine({ sink: (e) => events.push(e) });
  const s = engine.create('tcp', 4, { name: 's', owner: 'main' });
  await engine.bind(s, '127.0.0.1', 0);
  const { port } = await engine.listen(s, CLIENTS + 1);
  connect(port, gap);
  const told = () => events.filter((e): e is Incoming => e.kind === 'incoming');
  await waitFor(
    () => told().length === CLIENTS,
    () => `${CLIENTS} connections told (so far ${told().length})`,
  );
  return told();
}

const words = (e: Incoming): string => {
  const said = EVENT_SAYS.incoming(e, { queued: 0 });
  return said !== null && said.output.kind === 'notice' ? said.output.text : '';
};

describe.runIf(hasPython && nativeCalls().calls !== null)('queued connections within one clock tick', () => {
  it('back to back: some are marked tied, and the first one, when tied, is not said to be what accept returns', async () => {
    const told = await queued(0);
    // Eight connections made as fast as python3 can: some two share a tick of a clock of 1 to 10 ms.
    expect(told.some((e) => e.tied === true)).toBe(true);
    const first = told.find((e) => e.pending === 1)!;
    expect(words(first)).toBe(
      first.tied
        ? `a client connected from ('127.0.0.1', ${first.from?.port}), and another within the same tick of the kernel's clock (a few ms): which came first, so which accept returns first, is not known`
        : `a client connected from ('127.0.0.1', ${first.from?.port}); accept will return it`,
    );
  });

  it('20 ms apart: none is tied, and the first is said to be what accept returns', async () => {
    const told = await queued(0.02);
    expect(told.filter((e) => e.tied === true)).toEqual([]);
    const first = told.find((e) => e.pending === 1)!;
    expect(words(first)).toBe(`a client connected from ('127.0.0.1', ${first.from?.port}); accept will return it`);
  });
});
