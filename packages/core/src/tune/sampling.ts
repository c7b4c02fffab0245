import { createRequire } from 'node:module';
import type seedrandom from 'seedrandom';

// Alea alone: seedrandom's index loads every generator, and node:crypto with them.
const alea = createRequire(import.meta.url)('seedrandom/lib/alea.js') as typeof seedrandom.alea;

/** A config of the search space: the index of its value on each axis. */
export type Candidate = readonly number[];

/** How many configs the full grid of these axis sizes has. */
export const gridSize = (sizes: readonly number[]): number => sizes.reduce((n, s) => n * s, 1);

/** Every config of the grid, the last axis changing fastest. */
export function gridCandidates(sizes: readonly number[]): Candidate[] {
  let out: number[][] = [[]];
  for (const size of sizes) out = out.flatMap((c) => Array.from({ length: size }, (_, i) => [...c, i]));
  return out;
}

/** A uniform draw in [0, 1) from the sampling seed's own stream, so a plan is the same on any machine. */
function stream(seed: number, name: string): () => number {
  return alea(`meshsim-tune\u0000${seed}\u0000${name}`) as unknown as () => number;
}

/** Fisher–Yates with the given stream. */
function permutation(n: number, random: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Drops repeats (two draws may land on the same grid point), keeping the first of each. */
function unique(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = c.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `samples` configs drawn uniformly and independently on each axis; repeats dropped. */
export function randomCandidates(sizes: readonly number[], samples: number, seed: number): Candidate[] {
  const random = stream(seed, 'random');
  const out = Array.from({ length: samples }, () => sizes.map((size) => Math.floor(random() * size)));
  return unique(out);
}

/**
 * Latin-hypercube sample (McKay, Beckman & Conover 1979) over the axes' value lists: each axis's
 * [0, 1) is cut into `samples` equal strata, every stratum is used once per axis (the strata are
 * paired across axes by an independent permutation per axis), a point is drawn uniformly inside its
 * stratum and mapped to the value whose share of [0, 1) holds it. So each value of an axis gets its
 * share of the samples, whatever the other axes do. Repeats are dropped.
 */
export function latinHypercubeCandidates(
  sizes: readonly number[],
  samples: number,
  seed: number,
): Candidate[] {
  const columns = sizes.map((size, axis) => {
    const random = stream(seed, `lhs-${axis}`);
    const strata = permutation(samples, random);
    return strata.map((stratum) => Math.min(size - 1, Math.floor(((stratum + random()) / samples) * size)));
  });
  const out = Array.from({ length: samples }, (_, i) => columns.map((column) => column[i]!));
  return unique(out);
}
