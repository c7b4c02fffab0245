/**
 * Pending events of the discrete-event kernel: a binary min-heap ordered by (time, insertion sequence).
 *
 * Every event lives in a numbered slot whose fields sit in parallel typed arrays; the heap itself only
 * moves slot numbers, so a sift touches one Int32 per level. Cancellation is O(1): it marks the slot,
 * and the pop that meets a marked slot discards it. A handle carries the slot's generation, so a stale
 * handle (its event already fired or cancelled, its slot reused) cancels nothing.
 */

const SLOT_BITS = 2 ** 24; // up to 16.7 M events pending at once; generations use the remaining 29 bits
const GENERATION_MASK = 2 ** 29 - 1;

export type EventHandle = number;

export class EventQueue {
  private heap: Int32Array;
  private heapSize = 0;
  private timeMs: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private target: Int32Array;
  private generation: Uint32Array;
  private cancelled: Uint8Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private nextSeq = 0;
  private liveCount = 0;

  /** Fields of the event returned by the last successful `pop()`. */
  poppedTimeMs = 0;
  poppedKind = 0;
  poppedTarget = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity | 0);
    this.heap = new Int32Array(n);
    this.timeMs = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.kind = new Int32Array(n);
    this.target = new Int32Array(n);
    this.generation = new Uint32Array(n);
    this.cancelled = new Uint8Array(n);
    this.freeSlots = new Int32Array(n);
  }

  /** Events scheduled and neither fired nor cancelled. */
  get size(): number {
    return this.liveCount;
  }

  schedule(timeMs: number, kind: number, target: number): EventHandle {
    const slot = this.allocateSlot();
    this.timeMs[slot] = timeMs;
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.target[slot] = target;
    this.cancelled[slot] = 0;
    this.siftUp(this.heapSize++, slot);
    this.liveCount++;
    return slot + this.generation[slot]! * SLOT_BITS;
  }

  /** Returns true when the event was pending and is now cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (slot >= this.slotsUsed || this.generation[slot] !== gen || this.cancelled[slot] === 1) return false;
    this.cancelled[slot] = 1;
    this.liveCount--;
    return true;
  }

  /** Time of the earliest live event, or Infinity when none is pending. */
  peekTimeMs(): number {
    this.dropCancelledTop();
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.timeMs[this.heap[0]!]!;
  }

  /** Removes the earliest live event into the `popped*` fields; false when none is pending. */
  pop(): boolean {
    this.dropCancelledTop();
    if (this.heapSize === 0) return false;
    const slot = this.removeTop();
    this.poppedTimeMs = this.timeMs[slot]!;
    this.poppedKind = this.kind[slot]!;
    this.poppedTarget = this.target[slot]!;
    this.releaseSlot(slot);
    this.liveCount--;
    return true;
  }

  private dropCancelledTop(): void {
    while (this.heapSize > 0) {
      const top = this.heap[0]!;
      if (this.cancelled[top] === 0) return;
      this.removeTop();
      this.releaseSlot(top);
    }
  }

  private removeTop(): number {
    const top = this.heap[0]!;
    const last = this.heap[--this.heapSize]!;
    if (this.heapSize > 0) this.siftDown(0, last);
    return top;
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotsUsed === this.timeMs.length) this.grow();
    return this.slotsUsed++;
  }

  private releaseSlot(slot: number): void {
    // A new generation makes every handle to the old occupant stale.
    this.generation[slot] = (this.generation[slot]! + 1) & GENERATION_MASK;
    // A free slot reads as cancelled, so no handle (stale or foreign) can cancel it again.
    this.cancelled[slot] = 1;
    this.freeSlots[this.freeCount++] = slot;
  }

  // Sifts compare (time, sequence) inline on local array references: the heap's hottest loops.
  private siftUp(index: number, slot: number): void {
    const heap = this.heap;
    const time = this.timeMs;
    const seq = this.seq;
    const t = time[slot]!;
    const s = seq[slot]!;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      const tp = time[p]!;
      if (tp < t || (tp === t && seq[p]! < s)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  private siftDown(index: number, slot: number): void {
    const heap = this.heap;
    const time = this.timeMs;
    const seq = this.seq;
    const n = this.heapSize;
    const t = time[slot]!;
    const s = seq[slot]!;
    let i = index;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let c = heap[child]!;
      let tc = time[c]!;
      const right = child + 1;
      if (right < n) {
        const r = heap[right]!;
        const tr = time[r]!;
        if (tr < tc || (tr === tc && seq[r]! < seq[c]!)) {
          child = right;
          c = r;
          tc = tr;
        }
      }
      if (t < tc || (t === tc && s < seq[c]!)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = slot;
  }

  private grow(): void {
    const n = this.timeMs.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`event queue: more than ${SLOT_BITS} events pending at once`);
    this.heap = growInt32(this.heap, n);
    this.timeMs = growFloat64(this.timeMs, n);
    this.seq = growFloat64(this.seq, n);
    this.kind = growInt32(this.kind, n);
    this.target = growInt32(this.target, n);
    this.freeSlots = growInt32(this.freeSlots, n);
    const gen = new Uint32Array(n);
    gen.set(this.generation);
    this.generation = gen;
    const cancelled = new Uint8Array(n);
    cancelled.set(this.cancelled);
    this.cancelled = cancelled;
  }
}

function growInt32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growFloat64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
