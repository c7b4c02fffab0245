/** Weight of one entry at the moment it is (re)inserted; must be positive. */
export type EntryWeight = (entry: number) => number;

/** Envoy caps the emulated start-up picks at UINT32_MAX / 10. */
const MAX_PRE_PICKS = 429_496_729;
/** Envoy adds this to each weight while emulating picks, so weights that are multiples stay exact. */
const PRE_PICK_EPSILON = 1e-13;

/**
 * Earliest-deadline-first scheduler as Envoy's `EdfScheduler` (source/common/upstream/edf_scheduler.h):
 * an entry of weight w inserted at virtual time t gets deadline t + 1/w; a pick takes the earliest
 * deadline (ties by insertion order), advances the time to it and re-inserts the entry with its
 * current weight. Entries are small integers (the caller's host slots); the heap lives in typed
 * arrays, so `pickAndAdd` is O(log n) and allocates nothing.
 */
export class EdfScheduler {
  private deadline: Float64Array;
  private order: Float64Array;
  private entry: Int32Array;
  private count = 0;
  private time = 0;
  private nextOrder = 0;

  constructor(capacity = 16) {
    this.deadline = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.entry = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The scheduler's virtual time: the deadline of the last pick. */
  get currentTime(): number {
    return this.time;
  }

  clear(): void {
    this.count = 0;
    this.time = 0;
    this.nextOrder = 0;
  }

  /** Envoy `add`: deadline = current time + 1 / weight. Grows the heap when full (a rebuild step). */
  add(weight: number, entry: number): void {
    if (this.count === this.entry.length) this.grow(this.count * 2);
    const at = this.count++;
    this.deadline[at] = this.time + 1 / weight;
    this.order[at] = this.nextOrder++;
    this.entry[at] = entry;
    this.siftUp(at);
  }

  /** Envoy `pickAndAdd`: the earliest entry, re-inserted with `weightOf(entry)`; -1 when empty. */
  pickAndAdd(weightOf: EntryWeight): number {
    if (this.count === 0) return -1;
    const picked = this.entry[0]!;
    this.time = this.deadline[0]!;
    // Replacing the root and sifting down equals Envoy's pop + push: the keys are a total order.
    this.deadline[0] = this.time + 1 / weightOf(picked);
    this.order[0] = this.nextOrder++;
    this.siftDown(0);
    return picked;
  }

  /**
   * Envoy `createWithPicks`: the state after adding entries 0..count-1 and making `picks` picks,
   * reached in O(n log n) by giving each entry its floor(P·w/W) picks at once and then picking the
   * few that remain one by one. Envoy passes a per-LB random seed as `picks`, so each balancer
   * starts at its own point of the rotation.
   */
  resetWithPicks(count: number, weightOf: EntryWeight, picks: number): void {
    this.clear();
    if (count === 0) return;
    if (count > this.entry.length) this.grow(count);
    const p = picks % MAX_PRE_PICKS;
    let weightSum = 0;
    for (let i = 0; i < count; i++) weightSum += weightOf(i) + PRE_PICK_EPSILON;
    let picksSoFar = 0;
    let maxPickTime = 0;
    for (let i = 0; i < count; i++) {
      const weight = weightOf(i) + PRE_PICK_EPSILON;
      let floorPicks = Math.floor((weight * p) / weightSum);
      // Envoy's guard for floor(A·B) landing above A·B in floating point.
      if (floorPicks > 0 && floorPicks / weight >= p / weightSum) floorPicks--;
      maxPickTime = Math.max(maxPickTime, floorPicks / weight);
      this.deadline[i] = (floorPicks + 1) / weight;
      this.order[i] = i;
      this.entry[i] = i;
      picksSoFar += floorPicks;
    }
    this.count = count;
    this.time = maxPickTime;
    this.nextOrder = count;
    for (let i = (count >> 1) - 1; i >= 0; i--) this.siftDown(i);
    for (; picksSoFar < p; picksSoFar++) this.pickAndAdd(weightOf);
  }

  // Both sifts move a "hole" instead of swapping: one write per level, and no allocation.
  private siftUp(start: number): void {
    const { deadline, order, entry } = this;
    const d = deadline[start]!;
    const o = order[start]!;
    const e = entry[start]!;
    let at = start;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pd = deadline[parent]!;
      if (pd < d || (pd === d && order[parent]! < o)) break;
      deadline[at] = pd;
      order[at] = order[parent]!;
      entry[at] = entry[parent]!;
      at = parent;
    }
    deadline[at] = d;
    order[at] = o;
    entry[at] = e;
  }

  private siftDown(start: number): void {
    const { deadline, order, entry, count } = this;
    const d = deadline[start]!;
    const o = order[start]!;
    const e = entry[start]!;
    let at = start;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= count) break;
      let cd = deadline[child]!;
      let co = order[child]!;
      const right = child + 1;
      if (right < count) {
        const rd = deadline[right]!;
        const ro = order[right]!;
        if (rd < cd || (rd === cd && ro < co)) {
          child = right;
          cd = rd;
          co = ro;
        }
      }
      if (d < cd || (d === cd && o < co)) break;
      deadline[at] = cd;
      order[at] = co;
      entry[at] = entry[child]!;
      at = child;
    }
    deadline[at] = d;
    order[at] = o;
    entry[at] = e;
  }

  private grow(capacity: number): void {
    const deadline = new Float64Array(capacity);
    const order = new Float64Array(capacity);
    const entry = new Int32Array(capacity);
    deadline.set(this.deadline.subarray(0, this.count));
    order.set(this.order.subarray(0, this.count));
    entry.set(this.entry.subarray(0, this.count));
    this.deadline = deadline;
    this.order = order;
    this.entry = entry;
  }
}
