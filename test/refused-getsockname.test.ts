/**
 * getsockname after a refused connect (user trials' open finding 2). Linux binds the socket to a port
 * for the attempt and keeps that port in its name after the refusal: python3 prints ('0.0.0.0', 40896).
 * The shell said ('0.0.0.0', 0), as if the OS had never picked one. With the addon the kernel is asked
 * (a second descriptor kept for the attempt); without it the port is asked while the attempt is on.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import type { EngineOptions } from '../src/engine/types.js';
import { BACK_END, closedTcpPort, fails, rig, type Rig } from './engine-helpers.js';
import { hasPython } from './helpers/proc.js';

let r: Rig;
afterEach(async () => {
  await r.engine.closeAll();
});

const ENGINES: readonly { name: string; options: Partial<EngineOptions> }[] = [
  { name: BACK_END, options: {} },
  ...(nativeCalls().calls === null ? [] : [{ name: 'loop with the addon', options: { blockingCalls: undefined, addonCalls: true } }]),
];

/** What python3's socket module says for the same calls: getsockname() after a refused connect. */
function pythonSays(family: 4 | 6, host: string, port: number, timeout: number | null): { host: string; port: number } {
  const program = [
    'import socket, sys',
    `s = socket.socket(socket.AF_INET${family === 6 ? '6' : ''}, socket.SOCK_STREAM)`,
    `s.settimeout(${timeout === null ? 'None' : timeout})`,
    'try:',
    `    s.connect(('${host}', ${port}))`,
    'except ConnectionRefusedError:',
    '    pass',
    'a = s.getsockname()',
    'print(a[0], a[1])',
  ].join('\n');
  const ran = spawnSync('python3', ['-c', program], { encoding: 'utf8', timeout: 30_000 });
  const [h, p] = ran.stdout.trim().split(' ');
  return { host: h!, port: Number(p) };
}

it.skipIf(!hasPython).each(ENGINES)(
  'getsockname after a refused connect shows the port the OS bound for it, as python3 ($name)',
  async (engine) => {
    r = rig(engine.options);
    const port = await closedTcpPort();
    // Blocking, python3 says ('0.0.0.0', PORT); with settimeout ('127.0.0.1', PORT): see connect-attempt.ts.
    for (const [family, host, timeout] of [
      [4, '127.0.0.1', null],
      [6, '::1', null],
      [4, '127.0.0.1', 5],
      [6, '::1', 5],
    ] as const) {
      const python = pythonSays(family, host, port, timeout);
      expect(python.port).toBeGreaterThan(0);
      const s = r.engine.create('tcp', family, { name: `c${family}${timeout ?? ''}`, owner: 'main' });
      r.engine.settimeout(s, timeout);
      expect(r.engine.getsockname(s).port).toBe(0); // not bound yet
      await fails(r.engine.connect(s, host, port, {}), 'ECONNREFUSED');
      const named = r.engine.getsockname(s);
      expect(named.host).toBe(python.host);
      expect(named.port).toBeGreaterThan(0);
      expect(named.port).not.toBe(python.port); // another attempt's, picked anew
      expect(r.engine.info(s).state).toBe('UNBOUND');
    }
  },
);
