/** The most seeds a compare or sweep runs each variant or value on: past it, the intervals gain nothing. */
export const MAX_SEEDS = 1000;

/**
 * The seeds `firstSeed`, `firstSeed + 1`, … (`count` of them), or the list given, checked: between
 * `min` and MAX_SEEDS of them, each an integer a Scenario's seed may be. RangeError otherwise.
 */
export function seedsOf(
  where: string,
  seeds: number | readonly number[],
  firstSeed: number | undefined,
  min: number,
): number[] {
  const count = typeof seeds === 'number' ? seeds : seeds.length;
  if (!Number.isInteger(count) || count < min || count > MAX_SEEDS)
    throw new RangeError(`${where} takes ${min}..${MAX_SEEDS} seeds, got ${count}`);
  const first = firstSeed ?? 1;
  const list = typeof seeds === 'number' ? Array.from({ length: count }, (_, i) => first + i) : [...seeds];
  for (const seed of list) checkSeed(where, seed);
  return list;
}

/** A seed as a Scenario's `seed` takes it: an integer 0..2^53 − 1, so that no two runs share one. */
export function checkSeed(where: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(
      `${where}: every seed must be an integer 0..${Number.MAX_SAFE_INTEGER}, got ${seed}`,
    );
}
