import { EventBudgetExceeded, EventQueue, Kernel } from '@meshsim/core/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = { numRuns: 300 };

/** Small integers force many equal times (ties); doubles exercise the general case. */
const timeMs = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.double({ min: 0, max: 100, noNaN: true }));

// ---------------------------------------------------------------------------------------------
// Reference model: a plain list of every event ever scheduled, with its state.
// ---------------------------------------------------------------------------------------------

type Op =
  | { readonly op: 'schedule'; readonly timeMs: number; readonly kind: number }
  /** Into timer lane `lane`, `stepMs` after the lane's last event (lanes are filled in time order). */
  | { readonly op: 'lane'; readonly lane: number; readonly stepMs: number; readonly kind: number }
  /** Several schedules in a row, so some runs hold many events and make the queue grow. */
  | { readonly op: 'burst'; readonly events: ReadonlyArray<{ timeMs: number; kind: number }> }
  /** Cancels the handle of the `pick`-th scheduled event: pending, fired or already cancelled. */
  | { readonly op: 'cancel'; readonly pick: number }
  /** Cancels a number that may or may not be a live handle. */
  | { readonly op: 'cancelForged'; readonly handle: number }
  | { readonly op: 'pop' }
  | { readonly op: 'peek' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('schedule'), timeMs, kind: fc.nat(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('burst'),
      events: fc.array(fc.record({ timeMs, kind: fc.nat(3) }), { maxLength: 40, size: 'max' }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('lane'), lane: fc.nat(2), stepMs: timeMs, kind: fc.nat(3) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('cancel'), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('cancelForged'),
      // 2^31 + slot is a first-generation handle (generations start at 128) and hits live events now and
      // then; the others were never issued (small, negative, fractional, or generations far beyond any
      // these runs reach).
      handle: fc.oneof(
        fc.nat(300).map((slot) => 2 ** 31 + slot),
        fc.nat(300),
        fc.integer({ min: -300, max: -1 }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.nat(300).map((slot) => 2 ** 28 * 2 ** 24 + slot),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
);

interface ModelEvent {
  readonly handle: number;
  readonly timeMs: number;
  readonly kind: number;
  /** Schedule order; also the event's target, so a popped event names its model entry. */
  readonly order: number;
  state: 'pending' | 'fired' | 'cancelled';
  /** How many events had been scheduled when this one fired. */
  scheduledBeforeFiring?: number;
}

/** The earliest pending event by (time, schedule order): what the queue must pop next. */
function nextInModel(events: readonly ModelEvent[]): ModelEvent | undefined {
  let best: ModelEvent | undefined;
  for (const e of events) {
    if (e.state !== 'pending') continue;
    if (best === undefined || e.timeMs < best.timeMs) best = e;
  }
  return best; // the list is in schedule order, so the first minimum found wins ties
}

const pendingCount = (events: readonly ModelEvent[]) => events.filter((e) => e.state === 'pending').length;

/** What the property runs actually exercised, so a too-weak generator fails the suite. */
const coverage = {
  maxPending: 0,
  staleCancels: 0,
  reusedSlotCancels: 0,
  forgedHits: 0,
  compactions: 0,
  laneTies: 0,
};

function checkAgainstModel(ops: readonly Op[], initialCapacity: number): void {
  const queue = new EventQueue(initialCapacity);
  const lanes = [queue.addLane(), queue.addLane(), queue.addLane()];
  const laneLastMs = [0, 0, 0];
  const events: ModelEvent[] = [];

  const expectPop = () => {
    const next = nextInModel(events);
    expect(queue.pop()).toBe(next !== undefined);
    if (next === undefined) return;
    expect(queue.poppedTarget).toBe(next.order);
    expect(queue.poppedTimeMs).toBe(next.timeMs);
    expect(queue.poppedKind).toBe(next.kind);
    next.state = 'fired';
    next.scheduledBeforeFiring = events.length;
  };

  const expectCancel = (handle: number) => {
    const victim = events.find((e) => e.state === 'pending' && e.handle === handle);
    const heldBefore = queue.heldCount;
    expect(queue.cancel(handle)).toBe(victim !== undefined);
    // Only a compaction makes a cancel shrink the heap.
    if (queue.heldCount < heldBefore) coverage.compactions++;
    if (victim !== undefined) victim.state = 'cancelled';
    return victim !== undefined;
  };

  const expectSchedule = (timeMs: number, kind: number, lane = -1) => {
    const order = events.length;
    if (lane >= 0 && events.some((e) => e.state === 'pending' && e.timeMs === timeMs)) coverage.laneTies++;
    const handle =
      lane >= 0
        ? queue.scheduleInLane(lanes[lane]!, timeMs, kind, order)
        : queue.schedule(timeMs, kind, order);
    // Two pending events never share a handle, or cancelling one could cancel the other.
    expect(events.some((e) => e.state === 'pending' && e.handle === handle)).toBe(false);
    events.push({ handle, timeMs, kind, order, state: 'pending' });
  };

  for (const step of ops) {
    switch (step.op) {
      case 'schedule':
        expectSchedule(step.timeMs, step.kind);
        break;
      case 'burst':
        for (const e of step.events) expectSchedule(e.timeMs, e.kind);
        break;
      case 'lane':
        laneLastMs[step.lane]! += step.stepMs;
        expectSchedule(laneLastMs[step.lane]!, step.kind, step.lane);
        break;
      case 'cancel': {
        const target = events[step.pick % Math.max(1, events.length)];
        if (target === undefined) break;
        const wasPending = target.state === 'pending';
        expect(expectCancel(target.handle)).toBe(wasPending);
        if (!wasPending) {
          coverage.staleCancels++;
          // An event scheduled after this one fired may sit in its recycled slot.
          if (target.state === 'fired' && events.length > target.scheduledBeforeFiring!) {
            coverage.reusedSlotCancels++;
          }
        }
        break;
      }
      case 'cancelForged':
        if (expectCancel(step.handle)) coverage.forgedHits++;
        break;
      case 'pop':
        expectPop();
        break;
      case 'peek':
        expect(queue.peekTimeMs()).toBe(nextInModel(events)?.timeMs ?? Number.POSITIVE_INFINITY);
        break;
    }
    expect(queue.size).toBe(pendingCount(events));
    coverage.maxPending = Math.max(coverage.maxPending, queue.size);
  }

  // Drain: every pending event fires exactly once, in model order; nothing else comes out.
  while (pendingCount(events) > 0) expectPop();
  expect(queue.pop()).toBe(false);
  expect(queue.size).toBe(0);
  expect(queue.peekTimeMs()).toBe(Number.POSITIVE_INFINITY);
  expect(events.every((e) => e.state !== 'pending')).toBe(true);
}

describe('EventQueue', () => {
  it('matches a reference model under random schedule / cancel / pop / peek interleavings', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 300, size: 'max' }),
        fc.constantFrom(1, 16, 40),
        (ops, capacity) => checkAgainstModel(ops, capacity),
      ),
      RUNS,
    );
    // The runs must have reached the cases the property is about.
    expect(coverage.maxPending).toBeGreaterThan(64); // grew at least twice past the initial 16 slots
    expect(coverage.staleCancels).toBeGreaterThan(100);
    expect(coverage.reusedSlotCancels).toBeGreaterThan(100);
    expect(coverage.forgedHits).toBeGreaterThan(0); // a forged number that was a live handle cancels it
    expect(coverage.laneTies).toBeGreaterThan(100); // lane events tied with heap or other lanes' events
  });

  it('pops a lane event earlier than a heap one, and a heap event scheduled earlier first on a tie', () => {
    const queue = new EventQueue(16);
    const lane = queue.addLane();
    queue.schedule(5, 0, 1);
    queue.scheduleInLane(lane, 5, 0, 2); // same time, scheduled later: after the heap's
    queue.scheduleInLane(lane, 7, 0, 3);
    queue.schedule(7, 0, 4); // same time as the lane's second, scheduled after it
    queue.scheduleInLane(lane, 6, 0, 5); // earlier than the lane's last: kept in order via the heap
    const popped: number[] = [];
    while (queue.pop()) popped.push(queue.poppedTarget);
    expect(popped).toEqual([1, 2, 5, 3, 4]);
  });

  it('rebuilds a lane without cancelled timers once they outnumber the live ones (and number 1024)', () => {
    const queue = new EventQueue(16);
    const lane = queue.addLane();
    const handles = Array.from({ length: 3000 }, (_, i) => queue.scheduleInLane(lane, i, 0, i));
    let cancels = 0;
    for (let i = 0; i < 3000 && cancels < 2000; i++) {
      if (i % 3 === 0) continue;
      expect(queue.cancel(handles[i]!)).toBe(true);
      cancels++;
      // As for the heap: the 1501st cancel outnumbers the 1499 left live and drops all 1501.
      if (cancels === 1500) expect(queue.heldCount).toBe(3000);
      if (cancels === 1501) expect(queue.heldCount).toBe(1499);
    }
    expect(queue.size).toBe(1000);
    const popped: number[] = [];
    while (queue.pop()) popped.push(queue.poppedTarget);
    expect(popped).toEqual(Array.from({ length: 1000 }, (_, k) => 3 * k));
    for (let i = 1; i < 3000; i += 3) expect(queue.cancel(handles[i]!)).toBe(false);
    expect(queue.heldCount).toBe(0);
  });

  // A pop leaves the root empty for the next schedule to fill (replace-top), and once at least 1024
  // cancelled events outnumber the live ones the heap is rebuilt without them: neither may change
  // what pops when, nor which handles still cancel.
  it('matches the reference model through replace-top and compaction at scale', () => {
    const before = coverage.compactions;
    const scaleArb = fc.record({
      burst: fc.array(fc.record({ timeMs, kind: fc.nat(3) }), { minLength: 1400, maxLength: 1800 }),
      // About 9 in 10 events cancelled: 0.9 * 1400 = 1260 >= 1024 and well above the ~140 left live.
      cancelled: fc.array(fc.nat(9), { minLength: 1800, maxLength: 1800 }),
      // The hold phase: pop, maybe cancel something, then schedule into the empty root.
      hold: fc.array(fc.record({ pick: fc.nat(), cancelFirst: fc.boolean(), timeMs, kind: fc.nat(3) }), {
        maxLength: 200,
      }),
    });
    fc.assert(
      fc.property(scaleArb, ({ burst, cancelled, hold }) => {
        const ops: Op[] = [{ op: 'burst', events: burst }];
        for (let i = 0; i < burst.length; i++) if (cancelled[i]! > 0) ops.push({ op: 'cancel', pick: i });
        for (const h of hold) {
          ops.push({ op: 'pop' });
          if (h.cancelFirst) ops.push({ op: 'cancel', pick: h.pick });
          ops.push({ op: 'schedule', timeMs: h.timeMs, kind: h.kind });
        }
        checkAgainstModel(ops, 16);
      }),
      { numRuns: 25, endOnFailure: true }, // shrinking arrays this long takes minutes
    );
    expect(coverage.compactions - before).toBeGreaterThanOrEqual(20); // nearly every run compacted
  });

  it('rebuilds the heap without cancelled events once they outnumber the live ones (and number 1024)', () => {
    const queue = new EventQueue(16);
    // Distinct times, scheduled in reverse so the heap is not trivially sorted.
    const handles = Array.from({ length: 3000 }, (_, i) => queue.schedule(3000 - i, 0, i));
    let cancels = 0;
    for (let i = 0; i < 3000 && cancels < 2000; i++) {
      if (i % 3 === 0) continue;
      expect(queue.cancel(handles[i]!)).toBe(true);
      cancels++;
      // c cancels leave 3000 - c live: c > 3000 - c first at c = 1501 (and 1501 >= 1024), so the
      // 1501st cancel drops all 1501 from the heap, leaving 1499; the next 499 only mark.
      if (cancels === 1500) expect(queue.heldCount).toBe(3000);
      if (cancels === 1501) expect(queue.heldCount).toBe(1499);
    }
    expect(cancels).toBe(2000);
    expect(queue.size).toBe(1000);
    expect(queue.heldCount).toBe(1499);
    // The survivors are the i % 3 === 0 events; time 3000 - i, so they pop from i = 2997 down to 0.
    const popped: number[] = [];
    while (queue.pop()) popped.push(queue.poppedTarget);
    expect(popped).toEqual(Array.from({ length: 1000 }, (_, k) => 2997 - 3 * k));
    // Handles of compacted events stay stale even though their slots were reused meanwhile.
    for (let i = 1; i < 3000; i += 3) expect(queue.cancel(handles[i]!)).toBe(false);
    expect(queue.heldCount).toBe(0);
  });

  it('pops in non-decreasing time, equal times in schedule order, when scheduling never goes back in time', () => {
    // The kernel's use: every new event is at or after the last popped time.
    const step = fc.oneof(
      fc.record({ pop: fc.constant(false), delayMs: fc.oneof(fc.constant(0), fc.nat(3), timeMs) }),
      fc.record({ pop: fc.constant(true), delayMs: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 500, size: 'max' }), (steps) => {
        const queue = new EventQueue(16);
        let clock = 0;
        let scheduled = 0;
        const popped: Array<{ timeMs: number; order: number }> = [];
        const drainOne = () => {
          if (!queue.pop()) return false;
          clock = queue.poppedTimeMs;
          popped.push({ timeMs: queue.poppedTimeMs, order: queue.poppedTarget });
          return true;
        };
        for (const s of steps) {
          if (s.pop) drainOne();
          else queue.schedule(clock + s.delayMs, 0, scheduled++);
        }
        while (drainOne());
        expect(popped.length).toBe(scheduled);
        for (let i = 1; i < popped.length; i++) {
          const a = popped[i - 1]!;
          const b = popped[i]!;
          expect(b.timeMs).toBeGreaterThanOrEqual(a.timeMs);
          if (b.timeMs === a.timeMs) expect(b.order).toBeGreaterThan(a.order);
        }
      }),
      RUNS,
    );
  });

  it('never lets a stale handle cancel the event that reuses its slot', () => {
    // One event pending at a time: the queue has one slot in use, so every event reuses it.
    const queue = new EventQueue(16);
    const fired: number[] = [];
    const handles: number[] = [];
    for (let i = 0; i < 1000; i++) {
      handles.push(queue.schedule(i, 0, i));
      expect(queue.pop()).toBe(true);
      fired.push(queue.poppedTarget);
    }
    const live = queue.schedule(5000, 0, 1000);
    expect(new Set([...handles, live]).size).toBe(1001);
    for (const h of handles) expect(queue.cancel(h)).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.pop()).toBe(true);
    expect(queue.poppedTarget).toBe(1000);
    expect(fired).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  // A handle whose (slot, generation) names a free slot at its current generation (from another
  // queue, or a stored number reused by mistake) must not cancel anything nor move `size`.
  it('a handle from another queue that names a free slot cancels nothing', () => {
    const other = new EventQueue();
    other.schedule(1, 0, 0);
    other.pop();
    const foreign = other.schedule(2, 0, 0); // slot 0, second generation
    const queue = new EventQueue();
    queue.schedule(1, 0, 0);
    queue.pop(); // slot 0 is free again, at its second generation
    expect(queue.size).toBe(0);
    expect(queue.cancel(foreign)).toBe(false);
    expect(queue.size).toBe(0);
  });

  // A slot reused 128 times hands out handles past 2^31 (2^24 slots × generation): cancel must still
  // tell the live one from every stale one.
  it('cancels by handles past 2^31, and no stale one of the same slot', () => {
    const queue = new EventQueue();
    const stale: number[] = [];
    for (let i = 0; i < 300; i++) {
      stale.push(queue.schedule(i, 0, i));
      expect(queue.pop()).toBe(true);
    }
    const live = queue.schedule(1000, 0, 7);
    expect(live).toBeGreaterThan(2 ** 31);
    for (const h of stale) expect(queue.cancel(h)).toBe(false);
    expect(queue.cancel(-1)).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.cancel(live)).toBe(true);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBe(false);
  });

  it('treats a cancelled handle as stale, also after its slot was recycled', () => {
    const queue = new EventQueue();
    const a = queue.schedule(1, 0, 1);
    expect(queue.cancel(a)).toBe(true);
    expect(queue.cancel(a)).toBe(false); // already cancelled
    expect(queue.size).toBe(0);
    expect(queue.peekTimeMs()).toBe(Number.POSITIVE_INFINITY); // drops the cancelled top, freeing its slot
    const b = queue.schedule(2, 0, 2); // reuses that slot
    expect(queue.cancel(a)).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.pop()).toBe(true);
    expect(queue.poppedTarget).toBe(2);
    expect(queue.cancel(b)).toBe(false); // already fired
  });

  it('grows far past its initial capacity and keeps order, targets and cancellations', () => {
    const queue = new EventQueue(16);
    const n = 20_000;
    // A fixed multiplicative sequence gives scattered times with many ties (integers 0..999).
    const times = Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    const handles = times.map((t, i) => queue.schedule(t, i % 4, i));
    expect(queue.size).toBe(n);
    let cancelled = 0;
    for (let i = 0; i < n; i += 7) {
      expect(queue.cancel(handles[i]!)).toBe(true);
      cancelled++;
    }
    expect(queue.size).toBe(n - cancelled);
    const expected = times
      .map((t, i) => ({ t, i }))
      .filter(({ i }) => i % 7 !== 0)
      .sort((x, y) => x.t - y.t || x.i - y.i);
    const popped: Array<{ t: number; i: number; kind: number }> = [];
    while (queue.pop()) popped.push({ t: queue.poppedTimeMs, i: queue.poppedTarget, kind: queue.poppedKind });
    expect(popped).toEqual(expected.map(({ t, i }) => ({ t, i, kind: i % 4 })));
    expect(queue.pop()).toBe(false);
    expect(queue.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Kernel
// ---------------------------------------------------------------------------------------------

describe('Kernel', () => {
  it('runUntil(t) fires exactly the events at or before t, in order, and leaves the clock at t', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timeMs, kind: fc.nat(2) }), { maxLength: 200, size: 'max' }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (specs, untilMs, moreMs) => {
          const kernel = new Kernel({ initialCapacity: 16 });
          const fired: Array<{ target: number; kind: number; atMs: number }> = [];
          const kinds = [0, 1, 2].map((k) =>
            kernel.defineEvent((target) => fired.push({ target, kind: k, atMs: kernel.nowMs })),
          );
          for (const [i, s] of specs.entries()) kernel.schedule(s.timeMs, kinds[s.kind]!, i);
          const expectedOrder = (limitMs: number) =>
            specs
              .map((s, i) => ({ ...s, i }))
              .filter((s) => s.timeMs <= limitMs)
              .sort((a, b) => a.timeMs - b.timeMs || a.i - b.i);

          kernel.runUntil(untilMs);
          const first = expectedOrder(untilMs);
          expect(fired.map((f) => f.target)).toEqual(first.map((s) => s.i));
          // Each handler got its own kind's targets, with the clock at the event's time.
          for (const f of fired) {
            expect(f.kind).toBe(specs[f.target]!.kind);
            expect(f.atMs).toBe(specs[f.target]!.timeMs);
          }
          expect(kernel.nowMs).toBe(untilMs);
          expect(kernel.pending).toBe(specs.length - first.length);
          expect(kernel.eventsProcessed).toBe(first.length);

          const laterMs = untilMs + moreMs;
          kernel.runUntil(laterMs);
          expect(fired.map((f) => f.target)).toEqual(expectedOrder(laterMs).map((s) => s.i));
          expect(kernel.nowMs).toBe(laterMs);
        },
      ),
      RUNS,
    );
  });

  it('fires events that handlers schedule during a run, same-time ones after those already queued', () => {
    const kernel = new Kernel();
    const log: string[] = [];
    const child = kernel.defineEvent((target) => log.push(`child${target}@${kernel.nowMs}`));
    const parent = kernel.defineEvent((target) => {
      log.push(`parent${target}@${kernel.nowMs}`);
      kernel.scheduleIn(0, child, target); // same instant: after everything already at this time
      kernel.scheduleIn(5, child, target + 10);
    });
    kernel.schedule(1, parent, 1);
    kernel.schedule(1, parent, 2);
    kernel.schedule(6, parent, 3);
    kernel.runUntil(6);
    expect(log).toEqual([
      'parent1@1',
      'parent2@1',
      'child1@1',
      'child2@1',
      'parent3@6', // scheduled before the children due at 6
      'child11@6',
      'child12@6',
      'child3@6',
    ]);
    expect(kernel.pending).toBe(1); // child13 at 11
  });

  it('does not fire cancelled events', () => {
    const kernel = new Kernel();
    const fired: number[] = [];
    const kind = kernel.defineEvent((t) => fired.push(t));
    const handles = [0, 1, 2, 3, 4].map((i) => kernel.schedule(i, kind, i));
    expect(kernel.cancel(handles[1]!)).toBe(true);
    expect(kernel.cancel(handles[3]!)).toBe(true);
    expect(kernel.cancel(handles[3]!)).toBe(false);
    kernel.runUntil(10);
    expect(fired).toEqual([0, 2, 4]);
    expect(kernel.cancel(handles[0]!)).toBe(false);
  });

  it('refuses to schedule in the past or for an unknown kind', () => {
    const kernel = new Kernel();
    const kind = kernel.defineEvent(() => {});
    kernel.runUntil(10);
    expect(() => kernel.schedule(9.999, kind, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(9.999, kind, 0)).toThrow(
      /cannot schedule at 9\.999ms: the clock is already at 10ms/,
    );
    expect(() => kernel.scheduleIn(-0.001, kind, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(Number.NaN, kind, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(11, kind + 1, 0)).toThrow(/unknown event kind/);
    expect(() => kernel.schedule(11, -1, 0)).toThrow(RangeError);
    expect(kernel.pending).toBe(0);
    kernel.schedule(10, kind, 0); // now is allowed
    expect(kernel.pending).toBe(1);
  });

  it('rejects a handler that schedules in the past', () => {
    const kernel = new Kernel();
    const noop = kernel.defineEvent(() => {});
    const backwards = kernel.defineEvent(() => kernel.schedule(kernel.nowMs - 1, noop, 0));
    kernel.schedule(5, backwards, 0);
    expect(() => kernel.runUntil(10)).toThrow(RangeError);
    expect(kernel.nowMs).toBe(5);
  });

  it('stops a runaway model at maxEvents with EventBudgetExceeded', () => {
    for (const run of ['runUntilEmpty', 'runUntil'] as const) {
      const kernel = new Kernel({ maxEvents: 1000 });
      let calls = 0;
      const tick: number = kernel.defineEvent((target) => {
        calls++;
        kernel.scheduleIn(1, tick, target + 1); // forever
      });
      kernel.schedule(0, tick, 0);
      let caught: unknown;
      try {
        if (run === 'runUntilEmpty') kernel.runUntilEmpty();
        else kernel.runUntil(1e7);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EventBudgetExceeded);
      const err = caught as EventBudgetExceeded;
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe('EventBudgetExceeded');
      expect(err.maxEvents).toBe(1000);
      expect(err.atMs).toBe(999); // the 1000th event, at t = 999
      expect(err.message).toMatch(/stopped after 1000 events at t=999\.000ms/);
      expect(err.message).toMatch(/event budget is exhausted/);
      expect(calls).toBe(1000);
      expect(kernel.eventsProcessed).toBe(1000);
      expect(kernel.pending).toBe(1);
    }
  });

  it('a model of exactly maxEvents events does not exceed the budget', () => {
    const kernel = new Kernel({ maxEvents: 3 });
    const kind = kernel.defineEvent(() => {});
    for (let i = 0; i < 3; i++) kernel.schedule(i, kind, i);
    kernel.runUntil(100);
    expect(kernel.eventsProcessed).toBe(3);
    kernel.schedule(200, kind, 3);
    expect(() => kernel.runUntil(300)).toThrow(EventBudgetExceeded);
  });

  it('drain fires at most `events` events per call, and slices fire what one call would, in order', () => {
    const build = () => {
      const kernel = new Kernel();
      const fired: Array<[number, number]> = [];
      const kind: number = kernel.defineEvent((t) => {
        fired.push([kernel.nowMs, t]);
        // Ties and events scheduled from inside a slice for inside it.
        if (t % 3 === 0 && t < 60) kernel.scheduleIn(t % 2, kind, t + 100);
      });
      for (let i = 0; i < 60; i++) kernel.schedule(Math.floor(i / 2), kind, i);
      return { kernel, fired };
    };
    const whole = build();
    whole.kernel.drain(40, null);
    const sliced = build();
    for (let i = 0; i < 200 && sliced.kernel.nextEventMs <= 40; i++) sliced.kernel.drain(40, null, 7);
    expect(sliced.fired).toEqual(whole.fired);
    expect(sliced.kernel.eventsProcessed).toBe(whole.kernel.eventsProcessed);
    const once = build();
    once.kernel.drain(40, null, 7);
    expect(once.kernel.eventsProcessed).toBe(7);
  });

  it('halt ends the drain after the event being handled, and no event fires after it', () => {
    const kernel = new Kernel();
    const fired: number[] = [];
    const kind = kernel.defineEvent((t) => {
      fired.push(t);
      if (t === 2) kernel.halt();
    });
    for (let i = 0; i < 5; i++) kernel.schedule(i, kind, i);
    kernel.runUntil(100);
    expect(fired).toEqual([0, 1, 2]);
    expect(kernel.isHalted).toBe(true);
    expect(kernel.nowMs).toBe(2); // the clock stays where the run stopped
    kernel.runUntilEmpty();
    expect(fired).toEqual([0, 1, 2]);
    expect(kernel.nextEventMs).toBe(3);
  });

  it('runUntilEmpty returns after the event for which stop() is true', () => {
    const kernel = new Kernel();
    const fired: number[] = [];
    const kind = kernel.defineEvent((t) => fired.push(t));
    for (let i = 0; i < 10; i++) kernel.schedule(i * 2, kind, i);
    kernel.runUntilEmpty(() => fired.length === 4);
    expect(fired).toEqual([0, 1, 2, 3]);
    expect(kernel.nowMs).toBe(6);
    expect(kernel.pending).toBe(6);
  });

  // An empty queue peeks at Infinity, so an unbounded run must stop on emptiness, not on time.
  it('runUntilEmpty fires each event once and returns when the queue is empty', () => {
    const kernel = new Kernel({ maxEvents: 100 });
    const fired: number[] = [];
    const kind = kernel.defineEvent((t) => fired.push(t));
    kernel.schedule(1, kind, 7);
    kernel.schedule(2, kind, 8);
    kernel.runUntilEmpty();
    expect(fired).toEqual([7, 8]);
    expect(kernel.nowMs).toBe(2);
  });

  it('runUntilEmpty on a kernel with nothing pending returns at once', () => {
    const kernel = new Kernel();
    kernel.runUntilEmpty();
    expect(kernel.eventsProcessed).toBe(0);
  });

  it('runUntil(Infinity) stops when the queue is empty', () => {
    const kernel = new Kernel({ maxEvents: 100 });
    let calls = 0;
    const kind = kernel.defineEvent(() => calls++);
    kernel.schedule(3, kind, 0);
    kernel.runUntil(Number.POSITIVE_INFINITY);
    expect(calls).toBe(1);
  });
});
