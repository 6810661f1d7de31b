import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_OPTION_TABLE, SOCKET_OPTIONS, type Transport } from '../src/engine/index.js';
import { fails, rig, type Rig } from './engine-helpers.js';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * Socket options are one table (src/engine/options.ts): each entry's transports are where the engine
 * takes it, and the exporter spells its level from the entry. A new option without its engine case does
 * not compile (the switches in tcp.ts and udp-handle.ts end in `never`); this test checks that the
 * table and the engine agree for every option and transport.
 */
let r: Rig | null = null;
afterEach(async () => {
  await r?.engine.closeAll();
  r = null;
});

const cases = SOCKET_OPTIONS.flatMap((option) => (['udp', 'tcp'] as const).map((transport) => [option, transport] as const));

describe('socket options table', () => {
  it.each(cases)('%s on %s: taken where the table lists the transport, else ENOPROTOOPT', async (option, transport: Transport) => {
    r = rig();
    const s = r.engine.create(transport, 4, { owner: 'main' });
    const spec = SOCKET_OPTION_TABLE[option];
    const value = spec.value === 'bytes' ? 65536 : 1;
    if ((spec.transports as readonly string[]).includes(transport)) expect(() => r!.engine.setsockopt(s, option, value)).not.toThrow();
    else await fails(() => r!.engine.setsockopt(s, option, value), 'ENOPROTOOPT');
  });

  it('export spells each option with the level its entry gives', async () => {
    const shell = new CoreDriver({ maxWaitMs: 2000 });
    try {
      await shell.ok('t = tcp.socket', 't.setsockopt TCP_NODELAY 1', 't.setsockopt SO_KEEPALIVE 1');
      const py = await shell.ok('export');
      expect(py).toContain('t.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)');
      expect(py).toContain('t.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1)');
    } finally {
      await shell.close();
    }
  });
});
