import { createRequire } from 'node:module';
import type seedrandom from 'seedrandom';

// Alea alone: seedrandom's index also loads its ARC4 generator, which loads node:crypto.
const alea = createRequire(import.meta.url)('seedrandom/lib/alea.js') as typeof seedrandom.alea;

/** A uniform draw on [0, 1). */
export type Rng = () => number;

/**
 * Named, independent random streams. A stream depends only on (seed, name), never on which other
 * streams exist or in which order they were created: adding a component never shifts another
 * component's draws, so two policies run on one seed meet the same world (common random numbers).
 */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: number | string) {}

  get(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      // Alea is seedrandom's fastest generator; its string seeding hashes the whole key.
      rng = alea(`${this.seed}\u0000${name}`) as Rng;
      this.streams.set(name, rng);
    }
    return rng;
  }
}
