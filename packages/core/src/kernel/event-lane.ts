/**
 * A FIFO of pending events scheduled in time order: a traffic source's arrivals (each schedules the
 * next, later one), or timers that all wait the same delay (a route's per-try timeout) set by a clock
 * that never goes back. They come due in the order they were scheduled, so a ring of slots replaces
 * the heap's sifts for them. Timers are mostly cancelled long before they fire; a cancelled entry costs
 * nothing until it reaches the front, or a compaction drops it.
 */
export class EventLane {
  private slots: Int32Array;
  private times: Float64Array;
  /** Ring positions: `head` is the front, `count` entries follow it (cancelled ones included). */
  private head = 0;
  count = 0;
  /** Entries in the ring whose event was cancelled. */
  cancelled = 0;
  /** Time of the last entry pushed: a later push due earlier goes to the heap instead. */
  lastTimeMs = Number.NEGATIVE_INFINITY;

  constructor() {
    this.slots = new Int32Array(64);
    this.times = new Float64Array(64);
  }

  push(slot: number, timeMs: number): void {
    if (this.count === this.slots.length) this.grow();
    const at = (this.head + this.count) & (this.slots.length - 1);
    this.slots[at] = slot;
    this.times[at] = timeMs;
    this.count++;
    this.lastTimeMs = timeMs;
  }

  get frontSlot(): number {
    return this.slots[this.head]!;
  }

  get frontTimeMs(): number {
    return this.times[this.head]!;
  }

  shift(): void {
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.count--;
  }

  /** Keeps, in order, the entries whose slot `live` accepts; hands the others to `drop`. */
  compact(live: (slot: number) => boolean, drop: (slot: number) => void): void {
    const mask = this.slots.length - 1;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & mask;
      const slot = this.slots[from]!;
      if (!live(slot)) {
        drop(slot);
        continue;
      }
      const to = (this.head + kept) & mask;
      this.slots[to] = slot;
      this.times[to] = this.times[from]!;
      kept++;
    }
    this.count = kept;
    this.cancelled = 0;
  }

  /** Doubles the ring, unrolling it so the front sits at position 0. */
  private grow(): void {
    const n = this.slots.length;
    const slots = new Int32Array(n * 2);
    const times = new Float64Array(n * 2);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & (n - 1);
      slots[i] = this.slots[from]!;
      times[i] = this.times[from]!;
    }
    this.slots = slots;
    this.times = times;
    this.head = 0;
  }
}
