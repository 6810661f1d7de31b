/**
 * A small seeded pseudo-random generator (mulberry32: a 32-bit state advanced by a Weyl step and
 * mixed by two multiply-xorshift rounds). Not for secrets: it is here so that a relay's impairments
 * can be repeated exactly. The same seed gives the same sequence on every machine and Node version,
 * which Math.random cannot promise.
 */
export type Random = () => number;

/** A generator of numbers in [0, 1) from seed (any integer; only its low 32 bits count). */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A second, independent stream from the same seed (a relay's other direction). */
export function derived(seed: number, stream: number): Random {
  return seeded(Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b));
}

/** A seed for a run that named none: reported, so the run can be repeated with --seed. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
