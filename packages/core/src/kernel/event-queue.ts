/**
 * Pending events of the discrete-event kernel: a binary min-heap ordered by (time, insertion sequence),
 * beside FIFO lanes for events scheduled in time order (arrivals, timers of one fixed delay).
 *
 * Every event lives in a numbered slot whose fields sit in parallel typed arrays. The heap holds slot
 * numbers with each event's time inline beside them, so a sift compares times without indirecting
 * through the slots; the sequence is read from the slot only on a tie. (A 4-ary heap measured no
 * faster once times were inline: its extra child compares cost what its fewer levels save.)
 *
 * A lane (`EventLane`) holds events its owner schedules in time order: they come due in insertion
 * order, so they skip the heap; a pop takes the earliest of the heap's root and each lane's front, by
 * the same (time, sequence) order, so lanes change no event's turn.
 *
 * Cancellation is O(1): it marks the slot, and the pop that meets a marked slot discards it; when marked
 * slots outnumber live ones the heap (or the lane) is rebuilt without them. A handle carries the slot's
 * generation, so a stale handle (its event already fired or cancelled, its slot reused) cancels nothing.
 *
 * A pop leaves the root empty and the next schedule fills it (one sift down instead of a sift down
 * plus a sift up): the kernel's handlers usually schedule right after their event pops.
 */

import { EventLane } from './event-lane.js';

const SLOT_BITS = 2 ** 24; // up to 16.7 M events pending at once; generations use the remaining 29 bits
const SLOT_MASK = SLOT_BITS - 1;
const GENERATION_MASK = 2 ** 29 - 1;
/**
 * Generations start here, so every handle is above 2^31 and a double from the first event on: a handle
 * crossing 2^31 mid-run changed the field shape of every object holding one and deoptimized its code.
 */
const FIRST_GENERATION = 128;
/** Below this many cancelled events in the heap, rebuilding costs more than popping past them. */
const COMPACT_MIN_CANCELLED = 1024;

export type EventHandle = number;

export class EventQueue {
  /** Heap position → slot, and heap position → that slot's time (kept in step). */
  private heapSlot: Int32Array;
  private heapTime: Float64Array;
  /** Positions in use, counting the empty root a pop leaves behind. */
  private heapSize = 0;
  /** True after a pop until a schedule or a read fills position 0 again. */
  private rootEmpty = false;
  /** Events in the heap marked cancelled (they leave it when they reach the root, or at compaction). */
  private cancelledInHeap = 0;
  private seq: Float64Array;
  private kind: Int32Array;
  private target: Int32Array;
  private generation: Uint32Array;
  private cancelled: Uint8Array;
  /** Where a slot's event waits: 0 in the heap, k + 1 in lane k. */
  private laneOf: Uint8Array;
  private readonly lanes: EventLane[] = [];
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
    this.heapSlot = new Int32Array(n);
    this.heapTime = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.kind = new Int32Array(n);
    this.target = new Int32Array(n);
    this.generation = new Uint32Array(n).fill(FIRST_GENERATION);
    this.cancelled = new Uint8Array(n);
    this.laneOf = new Uint8Array(n);
    this.freeSlots = new Int32Array(n);
  }

  /** Events scheduled and neither fired nor cancelled. */
  get size(): number {
    return this.liveCount;
  }

  /** Events held: the pending ones and cancelled ones not yet dropped (memory, not order). */
  get heldCount(): number {
    let n = this.heapSize - (this.rootEmpty ? 1 : 0);
    for (const lane of this.lanes) n += lane.count;
    return n;
  }

  /** A new lane for events scheduled in time order; returns its number. */
  addLane(): number {
    if (this.lanes.length === 255) throw new RangeError('event queue: at most 255 lanes');
    this.lanes.push(new EventLane());
    return this.lanes.length - 1;
  }

  /**
   * Schedules into `lane` an event due at `timeMs`. Should the time be earlier than the lane's last,
   * the event goes to the heap instead, so the lane stays in order.
   */
  scheduleInLane(lane: number, timeMs: number, kind: number, target: number): EventHandle {
    const l = this.lanes[lane]!;
    if (timeMs < l.lastTimeMs) return this.schedule(timeMs, kind, target);
    const slot = this.fillSlot(kind, target);
    this.laneOf[slot] = lane + 1;
    l.push(slot, timeMs);
    this.liveCount++;
    return slot + this.generation[slot]! * SLOT_BITS;
  }

  /** Schedules `kind` for `target` at `timeMs` (a number: NaN never pops). */
  schedule(timeMs: number, kind: number, target: number): EventHandle {
    const slot = this.allocateSlot();
    const s = this.nextSeq++;
    this.seq[slot] = s;
    this.kind[slot] = kind;
    this.target[slot] = target;
    this.cancelled[slot] = 0;
    this.laneOf[slot] = 0;
    if (this.rootEmpty) {
      this.rootEmpty = false;
      this.siftDown(0, slot, timeMs, s);
    } else {
      this.siftUp(this.heapSize++, slot, timeMs);
    }
    this.liveCount++;
    return slot + this.generation[slot]! * SLOT_BITS;
  }

  private fillSlot(kind: number, target: number): number {
    const slot = this.allocateSlot();
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.target[slot] = target;
    this.cancelled[slot] = 0;
    return slot;
  }

  /** Returns true when the event was pending and is now cancelled. */
  cancel(handle: EventHandle): boolean {
    if (!(handle >= 0)) return false;
    // A mask, not `%`: handles are above 2^31, where `%` is a slow fmod.
    const slot = handle & SLOT_MASK;
    if (
      slot >= this.slotsUsed ||
      handle !== slot + this.generation[slot]! * SLOT_BITS ||
      this.cancelled[slot] === 1
    )
      return false;
    this.cancelled[slot] = 1;
    this.liveCount--;
    const lane = this.laneOf[slot]!;
    if (lane !== 0) {
      const l = this.lanes[lane - 1]!;
      if (++l.cancelled >= COMPACT_MIN_CANCELLED && 2 * l.cancelled > l.count) this.compactLane(l);
      return true;
    }
    const heapLive = this.heapSize - (this.rootEmpty ? 1 : 0) - ++this.cancelledInHeap;
    if (this.cancelledInHeap >= COMPACT_MIN_CANCELLED && this.cancelledInHeap > heapLive) this.compact();
    return true;
  }

  /** Time of the earliest live event, or Infinity when none is pending. */
  peekTimeMs(): number {
    this.settleRoot();
    const lane = this.earliestLane();
    const heapTime = this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapTime[0]!;
    return lane === null ? heapTime : Math.min(heapTime, lane.frontTimeMs);
  }

  /** Removes the earliest live event into the `popped*` fields; false when none is pending. */
  pop(): boolean {
    return this.popUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * Removes the earliest live event into the `popped*` fields if it is due at or before `untilMs`;
   * otherwise leaves it pending and returns false.
   */
  popUntil(untilMs: number): boolean {
    this.settleRoot();
    return this.lanes.length === 0 ? this.popRootUntil(untilMs) : this.popMergedUntil(untilMs);
  }

  /** The heap alone (no lane was ever made): its root, if due. */
  private popRootUntil(untilMs: number): boolean {
    if (this.heapSize === 0) return false;
    const t = this.heapTime[0]!;
    if (!(t <= untilMs)) return false;
    const slot = this.heapSlot[0]!;
    this.poppedTimeMs = t;
    this.poppedKind = this.kind[slot]!;
    this.poppedTarget = this.target[slot]!;
    this.releaseSlot(slot);
    this.rootEmpty = true;
    this.liveCount--;
    return true;
  }

  /** The earliest of the heap's root and the lanes' fronts; on a tie, the event scheduled first. */
  private popMergedUntil(untilMs: number): boolean {
    const lane = this.earliestLane();
    if (
      lane === null ||
      (this.heapSize > 0 &&
        (this.heapTime[0]! < lane.frontTimeMs ||
          (this.heapTime[0]! === lane.frontTimeMs &&
            this.seq[this.heapSlot[0]!]! < this.seq[lane.frontSlot]!)))
    ) {
      return this.popRootUntil(untilMs);
    }
    const t = lane.frontTimeMs;
    if (!(t <= untilMs)) return false;
    const slot = lane.frontSlot;
    lane.shift();
    this.poppedTimeMs = t;
    this.poppedKind = this.kind[slot]!;
    this.poppedTarget = this.target[slot]!;
    this.releaseSlot(slot);
    this.liveCount--;
    return true;
  }

  /** The lane whose live front comes first by (time, sequence), or null when every lane is empty. */
  private earliestLane(): EventLane | null {
    const lanes = this.lanes;
    let best: EventLane | null = null;
    for (let l = 0; l < lanes.length; l++) {
      const lane = lanes[l]!;
      if (!this.settleLane(lane)) continue;
      if (
        best === null ||
        lane.frontTimeMs < best.frontTimeMs ||
        (lane.frontTimeMs === best.frontTimeMs && this.seq[lane.frontSlot]! < this.seq[best.frontSlot]!)
      )
        best = lane;
    }
    return best;
  }

  /** Drops cancelled events from the lane's front; true when a live one is left there. */
  private settleLane(lane: EventLane): boolean {
    while (lane.count > 0) {
      const slot = lane.frontSlot;
      if (this.cancelled[slot] === 0) return true;
      lane.cancelled--;
      lane.shift();
      this.releaseSlot(slot);
    }
    return false;
  }

  private compactLane(lane: EventLane): void {
    lane.compact(
      (slot) => this.cancelled[slot] === 0,
      (slot) => this.releaseSlot(slot),
    );
  }

  /** Leaves position 0 holding the earliest live event (or the heap empty). */
  private settleRoot(): void {
    if (this.rootEmpty) {
      this.rootEmpty = false;
      this.fillRootWithLast();
    }
    while (this.heapSize > 0) {
      const top = this.heapSlot[0]!;
      if (this.cancelled[top] === 0) return;
      this.cancelledInHeap--;
      this.releaseSlot(top);
      this.fillRootWithLast();
    }
  }

  /** The root is gone: the last position moves there and sinks. */
  private fillRootWithLast(): void {
    const n = --this.heapSize;
    if (n === 0) return;
    const slot = this.heapSlot[n]!;
    this.siftDown(0, slot, this.heapTime[n]!, this.seq[slot]!);
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.slotsUsed === this.seq.length) this.grow();
    return this.slotsUsed++;
  }

  private releaseSlot(slot: number): void {
    // A new generation makes every handle to the old occupant stale.
    this.generation[slot] = (this.generation[slot]! + 1) & GENERATION_MASK || FIRST_GENERATION;
    // A free slot reads as cancelled, so no handle (stale or foreign) can cancel it again.
    this.cancelled[slot] = 1;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Drops every cancelled event from the heap and rebuilds it bottom-up (Floyd): O(heap size). */
  private compact(): void {
    this.settleRoot();
    const heapSlot = this.heapSlot;
    const heapTime = this.heapTime;
    let kept = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = heapSlot[i]!;
      if (this.cancelled[slot] === 1) {
        this.releaseSlot(slot);
        continue;
      }
      heapSlot[kept] = slot;
      heapTime[kept] = heapTime[i]!;
      kept++;
    }
    this.heapSize = kept;
    this.cancelledInHeap = 0;
    for (let i = (kept - 2) >> 1; i >= 0; i--) {
      const slot = heapSlot[i]!;
      this.siftDown(i, slot, heapTime[i]!, this.seq[slot]!);
    }
  }

  // Sifts compare (time, sequence) inline on local array references: the heap's hottest loops.

  /**
   * Raises a newly scheduled event from `index`. Its sequence is the largest in the heap, so a parent at
   * an equal time stays above it and the sequence never needs reading.
   */
  private siftUp(index: number, slot: number, t: number): void {
    const heapSlot = this.heapSlot;
    const heapTime = this.heapTime;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const tp = heapTime[parent]!;
      if (tp <= t) break;
      heapSlot[i] = heapSlot[parent]!;
      heapTime[i] = tp;
      i = parent;
    }
    heapSlot[i] = slot;
    heapTime[i] = t;
  }

  /** Sinks (t, s) of `slot` from `index`, whose old content is already gone, to where it belongs. */
  private siftDown(index: number, slot: number, t: number, s: number): void {
    const heapSlot = this.heapSlot;
    const heapTime = this.heapTime;
    const seq = this.seq;
    const n = this.heapSize;
    let i = index;
    for (;;) {
      const first = 2 * i + 1;
      if (first >= n) break;
      let best = first;
      let tb = heapTime[first]!;
      if (first + 1 < n) {
        const t1 = heapTime[first + 1]!;
        if (t1 < tb || (t1 === tb && seq[heapSlot[first + 1]!]! < seq[heapSlot[best]!]!)) {
          best = first + 1;
          tb = t1;
        }
      }
      if (t < tb) break;
      const b = heapSlot[best]!;
      if (t === tb && s < seq[b]!) break;
      heapSlot[i] = b;
      heapTime[i] = tb;
      i = best;
    }
    heapSlot[i] = slot;
    heapTime[i] = t;
  }

  private grow(): void {
    const n = this.seq.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`event queue: more than ${SLOT_BITS} events pending at once`);
    this.heapSlot = growInt32(this.heapSlot, n);
    this.heapTime = growFloat64(this.heapTime, n);
    this.seq = growFloat64(this.seq, n);
    this.kind = growInt32(this.kind, n);
    this.target = growInt32(this.target, n);
    this.freeSlots = growInt32(this.freeSlots, n);
    const gen = new Uint32Array(n).fill(FIRST_GENERATION);
    gen.set(this.generation);
    this.generation = gen;
    const cancelled = new Uint8Array(n);
    cancelled.set(this.cancelled);
    this.cancelled = cancelled;
    const laneOf = new Uint8Array(n);
    laneOf.set(this.laneOf);
    this.laneOf = laneOf;
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
