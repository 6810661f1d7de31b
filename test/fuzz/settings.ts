/**
 * Knobs shared by the fuzz and stress tests. CI runs them small and with a fixed seed, so a failure
 * reproduces; `npm run fuzz` scales them up (FUZZ_SCALE) with a fresh seed (FUZZ_SEED), printed on
 * failure by fast-check so the run can be repeated exactly.
 */
export const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1) || 1);

/** True under `npm run fuzz` / `npm run stress`: run the full sizes the issue names. */
export const FULL = SCALE > 1;

/** Fixed in CI; fresh for each longer run, so it explores, and printed, so a failure can be replayed. */
export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : FULL ? Date.now() % 2 ** 31 : 20240607;
if (FULL) console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_SCALE=${SCALE})`);

/** A line is "one clear line": no line breaks, not empty. */
export function oneLine(text: string): boolean {
  return text.trim() !== '' && !/[\n\r]/.test(text);
}
