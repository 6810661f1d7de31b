/** An engine's settings from its EngineOptions: the queue limits with their defaults, and which of the native addon's calls it may use. */

import type { Core } from './socket-core.js';
import { nativeCalls } from './native.js';
import type { EngineOptions } from './types.js';

export type Settings = Pick<Core, 'udpQueueDatagrams' | 'udpQueueBytes' | 'tcpQueueBytes' | 'blocking' | 'addon'>;

const DEFAULT_UDP_QUEUE = 4096;
const DEFAULT_UDP_QUEUE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TCP_QUEUE = 1024 * 1024;

export function settings(options: EngineOptions): Settings {
  const allowed = options.blockingCalls;
  const calls = allowed === undefined ? null : nativeCalls().calls;
  const addon = options.addonCalls === false ? { calls: null, problem: 'left out here' } : nativeCalls();
  return {
    udpQueueDatagrams: Math.max(1, options.udpQueueDatagrams ?? DEFAULT_UDP_QUEUE),
    udpQueueBytes: Math.max(1, options.udpQueueBytes ?? DEFAULT_UDP_QUEUE_BYTES),
    tcpQueueBytes: Math.max(1, options.tcpQueueBytes ?? DEFAULT_TCP_QUEUE),
    blocking: allowed === undefined || calls === null ? null : { calls, allowed },
    addon: addon.calls === null ? { calls: null, problem: addon.problem } : { calls: addon.calls, problem: null },
  };
}
