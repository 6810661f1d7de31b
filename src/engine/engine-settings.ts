/** An engine's settings from its EngineOptions: the queue limits with their defaults, and which of the native addon's calls it may use. */

import type { Core } from './socket-core.js';
import { nativeCalls, type Blocking } from './native.js';
import type { AddonCalls } from './sockopts.js';
import type { EngineOptions } from './types.js';

export type Settings = Pick<Core, 'udpQueueDatagrams' | 'udpQueueBytes' | 'tcpQueueBytes'>;

const DEFAULT_UDP_QUEUE = 4096;
const DEFAULT_UDP_QUEUE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TCP_QUEUE = 1024 * 1024;

export function settings(options: EngineOptions): Settings {
  return {
    udpQueueDatagrams: Math.max(1, options.udpQueueDatagrams ?? DEFAULT_UDP_QUEUE),
    udpQueueBytes: Math.max(1, options.udpQueueBytes ?? DEFAULT_UDP_QUEUE_BYTES),
    tcpQueueBytes: Math.max(1, options.tcpQueueBytes ?? DEFAULT_TCP_QUEUE),
  };
}

/** Which of the addon's calls an engine may use: the blocking fast path, and the calls Node has none for. */
export interface AddonUse {
  readonly blocking: Blocking | null;
  readonly addon: AddonCalls;
}

/**
 * What options allow of the addon, which this loads (once per process) the first time it is asked:
 * by the first socket, not at the engine's making, so a script that makes none never opens it (a few
 * dozen page faults of a start-up; its instructions were too few to count, issue 16). Nothing has
 * used the engine before that first ask, so an addon that fails to load then leaves every socket on
 * the event loop, as one missing from the start does: there is no engine to switch mid-run.
 */
export function addonUse(options: EngineOptions): () => AddonUse {
  let use: AddonUse | null = null;
  return () => (use ??= decide(options));
}

function decide(options: EngineOptions): AddonUse {
  const allowed = options.blockingCalls;
  const calls = allowed === undefined ? null : nativeCalls().calls;
  const addon = options.addonCalls === false ? { calls: null, problem: 'left out here' } : nativeCalls();
  return {
    blocking: allowed === undefined || calls === null ? null : { calls, allowed },
    addon: addon.calls === null ? { calls: null, problem: addon.problem } : { calls: addon.calls, problem: null },
  };
}
