import { EdfScheduler } from './edf-scheduler.js';

/**
 * Envoy `LocalityWrr` (healthy side) for one priority of one worker: an EDF over the localities whose
 * effective weight is positive, entered in the priority's locality order and started `seed` picks in
 * (createWithPicks), as rebuildLocalityScheduler does on every host-set update. `choose` is
 * chooseHealthyLocality: O(log localities), no allocation.
 */
export class LocalityWrr {
  private readonly scheduler = new EdfScheduler();
  /** EDF entry → locality number. */
  private localityOf = new Int32Array(0);
  private weights = new Float64Array(0);
  private count = 0;
  private readonly weightOf = (entry: number): number => this.weights[entry]!;

  /** Rebuilds from the priority's localities (in Envoy's order) and their effective weights. */
  refresh(order: readonly number[], effective: Float64Array, seed: number): void {
    if (this.localityOf.length < order.length) {
      this.localityOf = new Int32Array(order.length);
      this.weights = new Float64Array(order.length);
    }
    this.count = 0;
    for (const n of order) {
      if (effective[n]! <= 0) continue;
      this.localityOf[this.count] = n;
      this.weights[this.count++] = effective[n]!;
    }
    // No eligible locality: Envoy builds no scheduler and the pick falls back to the priority's hosts.
    if (this.count > 0) this.scheduler.resetWithPicks(this.count, this.weightOf, seed);
    else this.scheduler.clear();
  }

  /** The locality number to balance in, or -1 when no locality has a positive effective weight. */
  choose(): number {
    return this.count === 0 ? -1 : this.localityOf[this.scheduler.pickAndAdd(this.weightOf)]!;
  }
}
