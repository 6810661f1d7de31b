/** Shared helpers for the engine tests: an engine with a recording sink, bounded polling, error checks. */
import dgram from 'node:dgram';
import net from 'node:net';
import { expect } from 'vitest';
import { createEngine, nativeCalls } from '../src/engine/index.js';
import { SocketError } from '../src/engine/errors.js';
import type { Engine, EngineEvent, EngineOptions } from '../src/engine/types.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

export interface Rig {
  readonly engine: Engine;
  readonly events: EngineEvent[];
  /** Events of one kind, in order. */
  of<K extends EngineEvent['kind']>(kind: K): Extract<EngineEvent, { kind: K }>[];
}

/**
 * The back end the engine tests run on: the native fast path where the addon is built (blocking calls
 * wait in it whenever nothing else needs the event loop), or the event loop alone with
 * SOCKSHELL_ENGINE=loop. .ci/run runs the engine tests on both; they must pass the same suite.
 */
export const BACK_END: 'native' | 'loop' = process.env.SOCKSHELL_ENGINE === 'loop' || nativeCalls().calls === null ? 'loop' : 'native';

export function rig(options: Partial<EngineOptions> = {}): Rig {
  const events: EngineEvent[] = [];
  // The loop back end stands for a build without the addon: socket options through Node's calls alone too.
  const engine = createEngine({
    ...(BACK_END === 'native' ? { blockingCalls: () => true } : { addonCalls: false }),
    ...options,
    sink: (e) => events.push(e),
  });
  return {
    engine,
    events,
    of: <K extends EngineEvent['kind']>(kind: K) => events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind),
  };
}

/** Polls cond every 5 ms; fails after ms (a hang, not a slow machine). */
export function until(cond: () => boolean, ms = HANG_MS): Promise<void> {
  return waitFor(cond, 'a condition of this test', ms);
}

/** Awaits p (or calls fn) and checks it failed with a SocketError of this code, exception and wording. */
export async function fails(p: unknown, code: string, python?: string, words?: RegExp): Promise<SocketError> {
  let thrown: unknown = null;
  try {
    // A call that fails synchronously is given as a function; one that may return at once or later, as its result.
    if (typeof p === 'function') await (p as () => unknown)();
    else await p;
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(SocketError);
  const err = thrown as SocketError;
  expect(err.code).toBe(code);
  if (python !== undefined) expect(err.python).toBe(python);
  if (words !== undefined) expect(err.message).toMatch(words);
  expect(err.message).not.toContain('\n');
  return err;
}

/** A UDP port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
export async function closedTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
