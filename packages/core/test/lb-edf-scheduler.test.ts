import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdfScheduler } from '../src/upstream/lb/edf-scheduler.js';

/** The schedule's next `n` picks with fixed weights. */
function picks(scheduler: EdfScheduler, weights: readonly number[], n: number): number[] {
  return Array.from({ length: n }, () => scheduler.pickAndAdd((e) => weights[e]!));
}

/** Envoy's plain path: add every entry at time 0, then pick `p` times. */
function naive(weights: readonly number[], p: number): EdfScheduler {
  const scheduler = new EdfScheduler(1);
  weights.forEach((w, e) => {
    scheduler.add(w, e);
  });
  picks(scheduler, weights, p);
  return scheduler;
}

describe('EdfScheduler (Envoy edf_scheduler.h)', () => {
  it('answers -1 when empty', () => {
    expect(new EdfScheduler().pickAndAdd(() => 1)).toBe(-1);
  });

  it('breaks equal deadlines by insertion order, so equal weights rotate', () => {
    const scheduler = naive([1, 1, 1], 0);
    expect(picks(scheduler, [1, 1, 1], 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('gives deadline = current time + 1/weight', () => {
    // Weights 1 and 4: entry 1 is due at 1/4, 2/4, 3/4, then both at 1 (entry 0 inserted first wins).
    const scheduler = naive([1, 4], 0);
    const seen: Array<[number, number]> = [];
    for (let i = 0; i < 6; i++) {
      const e = scheduler.pickAndAdd((x) => [1, 4][x]!);
      seen.push([e, scheduler.currentTime]);
    }
    expect(seen).toEqual([
      [1, 0.25],
      [1, 0.5],
      [1, 0.75],
      [0, 1],
      [1, 1],
      [1, 1.25],
    ]);
  });

  it('weights 1, 2, 3 from time 0 pick exactly 1:2:3 in every block of 6', () => {
    // Virtual time (k, k+1] holds one deadline of entry 0, two of entry 1 and three of entry 2.
    const sequence = picks(naive([1, 2, 3], 0), [1, 2, 3], 6000);
    for (let block = 0; block < 1000; block++) {
      const counts = [0, 0, 0];
      for (const e of sequence.slice(block * 6, block * 6 + 6)) counts[e]!++;
      expect(counts, `block ${block}`).toEqual([1, 2, 3]);
    }
  });

  it('re-reads the weight of the picked entry only, when it is re-added', () => {
    const weights = [1, 1];
    const scheduler = naive(weights, 0);
    weights[1] = 4; // entry 1 keeps its old deadline (1) until it is picked
    expect(picks(scheduler, weights, 6)).toEqual([0, 1, 1, 1, 1, 0]);
    // 0 at t=1 → due 2; 1 at t=1 → due 1.25, 1.5, 1.75, 2 (ties with 0, inserted later) → 0 first.
  });

  it('createWithPicks(0) starts like adding the entries one by one', () => {
    // Only the first cycle: later, equal deadlines reached by different float sums may tie-break
    // differently (Envoy: "entries with the same weight may be chosen a bit differently").
    const weights = [3, 1, 2];
    const fast = new EdfScheduler();
    fast.resetWithPicks(3, (e) => weights[e]!, 0);
    expect(picks(fast, weights, 6)).toEqual([0, 2, 0, 1, 2, 0]);
    expect(picks(naive(weights, 0), weights, 6)).toEqual([0, 2, 0, 1, 2, 0]);
  });

  it('createWithPicks matches picking one by one in the example Envoy gives for its epsilon', () => {
    // Weights 25 and 75, 23 picks: the emulation gives 5 and 17 picks at once, both entries next due
    // at 0.24, and makes the 23rd pick itself; one by one, entry 0 is the 23rd pick and entry 1 the 24th.
    const weights = [25, 75];
    const fast = new EdfScheduler();
    fast.resetWithPicks(2, (e) => weights[e]!, 23);
    expect(fast.currentTime).toBeCloseTo(0.24, 12);
    const slow = naive(weights, 23);
    expect(slow.currentTime).toBeCloseTo(0.24, 12);
    expect(fast.pickAndAdd((e) => weights[e]!)).toBe(1);
    expect(slow.pickAndAdd((e) => weights[e]!)).toBe(1);
  });

  it('createWithPicks reaches the same virtual times as picking one by one (any weights, any picks)', () => {
    // Envoy only promises the same state up to the order of equal deadlines, so compare the times.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 3000 }),
        (weights, p) => {
          const fast = new EdfScheduler();
          fast.resetWithPicks(weights.length, (e) => weights[e]!, p);
          const slow = naive(weights, p);
          for (let i = 0; i < 50; i++) {
            fast.pickAndAdd((e) => weights[e]!);
            slow.pickAndAdd((e) => weights[e]!);
            expect(fast.currentTime).toBeCloseTo(slow.currentTime, 9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('caps the emulated picks at UINT32_MAX / 10 as Envoy does', () => {
    const weights = [1, 2];
    const wrapped = new EdfScheduler();
    wrapped.resetWithPicks(2, (e) => weights[e]!, 429_496_729 + 5);
    const five = new EdfScheduler();
    five.resetWithPicks(2, (e) => weights[e]!, 5);
    expect(picks(wrapped, weights, 12)).toEqual(picks(five, weights, 12));
    expect(wrapped.currentTime).toBe(five.currentTime);
  });

  it('handles large host counts: picks stay in proportion to weights', () => {
    const weights = Array.from({ length: 1000 }, (_, e) => 1 + (e % 4));
    const scheduler = new EdfScheduler();
    scheduler.resetWithPicks(weights.length, (e) => weights[e]!, 12345);
    const counts = new Array<number>(weights.length).fill(0);
    // 2500 weight units per round of virtual time; 10 rounds → each entry exactly 10·w ± 1 (EDF lag < 1).
    for (const e of picks(scheduler, weights, 25_000)) counts[e]!++;
    counts.forEach((c, e) => {
      expect(Math.abs(c - 10 * weights[e]!)).toBeLessThanOrEqual(1);
    });
  });
});
