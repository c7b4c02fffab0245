import seedrandom from 'seedrandom';

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
      rng = seedrandom.alea(`${this.seed}\u0000${name}`) as Rng;
      this.streams.set(name, rng);
    }
    return rng;
  }
}
