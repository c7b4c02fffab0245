/**
 * Successive halving over seeds (Jamieson & Talwalkar 2016, the inner loop of Hyperband): every config
 * starts on a few seeds, and only the better share goes on to more seeds.
 */
export interface HalvingOptions {
  /** The factor η: each rung keeps about 1/η of its configs and runs them on η times the seeds. Default 3. */
  eta: number;
  /** Seeds of the first rung (r₀); at least 2, so each config has an interval. Default 2. */
  minSeeds: number;
}

/** One rung of the schedule: how many configs run, on how many seeds in all (the first `seeds` seeds). */
export interface RungSize {
  configs: number;
  seeds: number;
}

/**
 * How many of a rung's `n` configs go on: ⌈n/η⌉, but never fewer than `top` (or all n when fewer),
 * so the last rung still holds the best `top` configs the report gives intervals for.
 */
export function keepCount(n: number, eta: number, top: number): number {
  return Math.max(Math.ceil(n / eta), Math.min(top, n));
}

/**
 * The rungs, known before any run: rung k runs its configs on the first min(S, r₀·ηᵏ) seeds (the runs
 * of rung k−1 are reused, so only the new seeds run: common random numbers make them comparable);
 * unless that is all S seeds, the best `keepCount` of them make rung k+1. Without halving: one rung,
 * every config on all S seeds.
 */
export function rungSizes(
  candidates: number,
  maxSeeds: number,
  halving: HalvingOptions | null,
  top: number,
): RungSize[] {
  if (halving === null || halving.minSeeds >= maxSeeds) return [{ configs: candidates, seeds: maxSeeds }];
  const out: RungSize[] = [];
  let configs = candidates;
  let seeds = halving.minSeeds;
  for (;;) {
    out.push({ configs, seeds });
    if (seeds >= maxSeeds) return out;
    configs = keepCount(configs, halving.eta, top);
    seeds = Math.min(maxSeeds, seeds * halving.eta);
  }
}

/** Runs in all: each rung runs its configs on the seeds the rung before did not. */
export function totalRuns(rungs: readonly RungSize[]): number {
  return rungs.reduce((n, r, k) => n + r.configs * (r.seeds - (k === 0 ? 0 : rungs[k - 1]!.seeds)), 0);
}
