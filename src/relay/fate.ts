import type { Random } from './prng.js';
import type { DirectionCounts, UdpImpairments } from './types.js';

/** What the relay does with one datagram. */
export interface Fate {
  readonly lost: boolean;
  /** 1, or 2 for a duplicate. */
  readonly copies: 1 | 2;
  /** Held back to go after the next datagram. */
  readonly held: boolean;
  readonly delayMs: number;
}

/**
 * The fate of the next datagram of one direction. It always draws four numbers, in one order (loss,
 * duplicate, reorder, jitter), whatever the settings and the answers: so the n-th datagram's fate
 * depends only on the seed and n, and changing --delay does not change which datagrams are lost.
 */
export function fate(random: Random, impair: UdpImpairments): Fate {
  const loss = random();
  const duplicate = random();
  const reorder = random();
  const jitter = random();
  const delayMs = Math.max(0, Math.round(impair.delayMs + (jitter * 2 - 1) * impair.jitterMs));
  return {
    lost: loss * 100 < impair.loss,
    copies: duplicate * 100 < impair.duplicate ? 2 : 1,
    held: reorder * 100 < impair.reorder,
    delayMs,
  };
}

/** A direction's counts, as the relays keep them (DirectionCounts is the read-only view). */
export type Counter = { -readonly [K in keyof DirectionCounts]: DirectionCounts[K] };

export const counter = (): Counter => ({ arrived: 0, bytes: 0, forwarded: 0, lost: 0, duplicated: 0, reordered: 0, delayed: 0 });
