import { type EventHandle, EventQueue } from './event-queue.js';

/** Called with the event's target (an index the owner chose, e.g. a request slot). */
export type EventHandler = (target: number) => void;

/** Ends a runaway run: a model that schedules events forever fails loudly instead of hanging. */
export class EventBudgetExceeded extends Error {
  constructor(
    readonly maxEvents: number,
    readonly atMs: number,
  ) {
    super(
      `simulation stopped after ${maxEvents} events at t=${atMs.toFixed(3)}ms: the event budget is exhausted ` +
        '(a runaway model, or a run too large for maxEvents)',
    );
    this.name = 'EventBudgetExceeded';
  }
}

export interface KernelOptions {
  /** Hard cap on events processed in one kernel's life. */
  maxEvents?: number;
  initialCapacity?: number;
}

/**
 * The virtual clock and the event loop. Handlers are registered once per event kind, so scheduling
 * an event allocates nothing: it is (time, kind, target) in typed arrays.
 */
export class Kernel {
  /** Virtual time in milliseconds; fractions are allowed. Nothing else in the simulator reads a clock. */
  nowMs = 0;
  eventsProcessed = 0;
  readonly maxEvents: number;
  private readonly queue: EventQueue;
  private readonly handlers: EventHandler[] = [];
  /** The count of events at which the current `drain` pauses. */
  private pauseAt = 0;
  private halted = false;

  constructor(options: KernelOptions = {}) {
    this.maxEvents = options.maxEvents ?? 1e9;
    this.queue = new EventQueue(options.initialCapacity);
  }

  /** Registers the handler of a new event kind and returns the kind's number. */
  defineEvent(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `kind` for `target` at absolute time `atMs` (never in the past). */
  schedule(atMs: number, kind: number, target: number): EventHandle {
    if (!(atMs >= this.nowMs)) {
      throw new RangeError(`cannot schedule at ${atMs}ms: the clock is already at ${this.nowMs}ms`);
    }
    if (kind < 0 || kind >= this.handlers.length) throw new RangeError(`unknown event kind ${kind}`);
    return this.queue.schedule(atMs, kind, target);
  }

  scheduleIn(delayMs: number, kind: number, target: number): EventHandle {
    return this.schedule(this.nowMs + delayMs, kind, target);
  }

  /**
   * A lane for events scheduled in time order (a source's arrivals; timers that all wait one delay,
   * like a route's per-try timeout): they skip the heap. Returns the lane's number for `scheduleInLane`.
   */
  defineLane(): number {
    return this.queue.addLane();
  }

  /** `schedule` through `lane`: the same turn, without the heap while the lane's times do not go back. */
  scheduleInLane(lane: number, atMs: number, kind: number, target: number): EventHandle {
    if (!(atMs >= this.nowMs)) {
      throw new RangeError(`cannot schedule at ${atMs}ms: the clock is already at ${this.nowMs}ms`);
    }
    if (kind < 0 || kind >= this.handlers.length) throw new RangeError(`unknown event kind ${kind}`);
    return this.queue.scheduleInLane(lane, atMs, kind, target);
  }

  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /** Fires every event with time ≤ `untilMs`, then leaves the clock at `untilMs`. */
  runUntil(untilMs: number): void {
    this.drain(untilMs, null);
    if (!this.halted && untilMs > this.nowMs && Number.isFinite(untilMs)) this.nowMs = untilMs;
  }

  /** Fires events until none is pending, or until `stop()` returns true after an event. */
  runUntilEmpty(stop: (() => boolean) | null = null): void {
    this.drain(Number.POSITIVE_INFINITY, stop);
  }

  /**
   * Fires events with time ≤ `untilMs` until `stop()` returns true after one, `events` more have fired,
   * or `halt()` was called; the clock stays at the last event fired. Stopping between two events never
   * changes which event comes next, so a run fired in slices fires the same events in the same order.
   */
  drain(untilMs: number, stop: (() => boolean) | null, events = Number.POSITIVE_INFINITY): void {
    if (this.halted) return;
    const queue = this.queue;
    const handlers = this.handlers;
    // One comparison per event covers the budget, the slice and a halt.
    this.pauseAt = Math.min(this.maxEvents, this.eventsProcessed + events);
    while (queue.size > 0) {
      if (this.eventsProcessed >= this.pauseAt) {
        if (!(queue.peekTimeMs() <= untilMs)) return;
        if (this.halted || this.eventsProcessed < this.maxEvents) return;
        throw new EventBudgetExceeded(this.maxEvents, this.nowMs);
      }
      if (!queue.popUntil(untilMs)) return;
      this.nowMs = queue.poppedTimeMs;
      this.eventsProcessed++;
      handlers[queue.poppedKind]!(queue.poppedTarget);
      if (stop?.()) return;
    }
  }

  /** The time of the next pending event; Infinity when none is. */
  get nextEventMs(): number {
    return this.queue.size > 0 ? this.queue.peekTimeMs() : Number.POSITIVE_INFINITY;
  }

  /** Ends the current `drain` after the event being handled; no event fires after it. */
  halt(): void {
    this.halted = true;
    this.pauseAt = this.eventsProcessed;
  }

  get isHalted(): boolean {
    return this.halted;
  }
}
