import { describe, expect, it } from 'vitest';
import { keepCount, rungSizes, totalRuns } from '../src/tune/halving.js';
import { parseConstraint, parseObjective, TuneSpecError } from '../src/tune/objectives.js';
import { paretoLayers, rankConfigs } from '../src/tune/rank.js';
import { gridCandidates, latinHypercubeCandidates, randomCandidates } from '../src/tune/sampling.js';

describe('objectives and constraints as written', () => {
  it('reads the metric, its direction and a bound in the metric’s unit', () => {
    expect(parseObjective('minimize errorRate')).toEqual({ metric: 'errorRate', direction: 'minimize' });
    expect(parseObjective(' max requests ')).toEqual({ metric: 'requests', direction: 'maximize' });
    expect(parseObjective('minimize p99')).toEqual({ metric: 'p99Ms', direction: 'minimize' });
    expect(parseConstraint('p99 < 300ms')).toMatchObject({ metric: 'p99Ms', op: '<', value: 300 });
    expect(parseConstraint('p50Ms<=1.5s')).toMatchObject({ metric: 'p50Ms', op: '<=', value: 1500 });
    expect(parseConstraint('errorRate <= 0.5%')).toMatchObject({ metric: 'errorRate', value: 0.005 });
    expect(parseConstraint('errorRate < 0.01')).toMatchObject({ value: 0.01 });
    expect(parseConstraint('requests >= 1000')).toMatchObject({ op: '>=', value: 1000 });
  });

  it('names what is wrong: the metric, the syntax, the unit', () => {
    expect(() => parseObjective('minimise errorRate')).toThrow(/write it as "minimize METRIC"/);
    expect(() => parseObjective('minimize p98')).toThrow(/unknown metric "p98"; known: errorRate, p50Ms/);
    expect(() => parseConstraint('p99 300ms')).toThrow(/METRIC < VALUE/);
    expect(() => parseConstraint('p99 < 3 apples')).toThrow(TuneSpecError);
    expect(() => parseConstraint('p99 < fast')).toThrow(/"fast" is not a duration/);
    expect(() => parseConstraint('requests < 5%')).toThrow(/"5%" is not a number/);
  });
});

describe('the search space', () => {
  it('grid: every combination, the last axis fastest', () => {
    expect(gridCandidates([2, 3])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  it('Latin hypercube: with samples a multiple of each axis size, every value gets exactly its share', () => {
    // Stratum s of n covers [s/n, (s+1)/n); value j of m covers [j/m, (j+1)/m). When m divides n each
    // value's range is exactly n/m strata, and each stratum is used once per axis.
    const sizes = [10, 20, 30];
    const sample = latinHypercubeCandidates(sizes, 60, 7);
    expect(sample).toHaveLength(60); // no repeats at this seed (6000 grid points)
    sizes.forEach((m, axis) => {
      const counts = Array.from({ length: m }, (_, j) => sample.filter((c) => c[axis] === j).length);
      expect(counts, `axis ${axis}`).toEqual(Array(m).fill(60 / m));
    });
    expect(latinHypercubeCandidates(sizes, 60, 7)).toEqual(sample);
    expect(latinHypercubeCandidates(sizes, 60, 8)).not.toEqual(sample);
  });

  it('random: independent draws from the sampling seed, repeats dropped', () => {
    const a = randomCandidates([3, 3], 40, 1);
    expect(a).toEqual(randomCandidates([3, 3], 40, 1));
    expect(new Set(a.map((c) => c.join())).size).toBe(a.length);
    expect(a.length).toBeLessThanOrEqual(9);
  });
});

describe('successive halving: the schedule is known before any run', () => {
  it('keeps ⌈n/η⌉ (never fewer than top), triples the seeds up to the most', () => {
    expect(keepCount(9, 3, 1)).toBe(3);
    expect(keepCount(9, 3, 5)).toBe(5);
    expect(keepCount(2, 3, 5)).toBe(2);
    const rungs = rungSizes(27, 18, { eta: 3, minSeeds: 2 }, 1);
    expect(rungs).toEqual([
      { configs: 27, seeds: 2 },
      { configs: 9, seeds: 6 },
      { configs: 3, seeds: 18 },
    ]);
    // Each rung runs only its new seeds: 27·2 + 9·4 + 3·12.
    expect(totalRuns(rungs)).toBe(54 + 36 + 36);
    expect(rungSizes(9, 10, { eta: 3, minSeeds: 2 }, 1)).toEqual([
      { configs: 9, seeds: 2 },
      { configs: 3, seeds: 6 },
      { configs: 1, seeds: 10 },
    ]);
    expect(rungSizes(12, 10, null, 5)).toEqual([{ configs: 12, seeds: 10 }]);
  });
});

describe('ranking and the Pareto front', () => {
  it('non-dominated sorting: layer 0 is the front; equal points share a layer', () => {
    // (1,5) (2,2) (5,1) are the front; (3,3) is beaten by (2,2); (4,4) by (3,3); (2,2) twice.
    expect(
      paretoLayers([
        [1, 5],
        [2, 2],
        [5, 1],
        [3, 3],
        [4, 4],
        [2, 2],
      ]),
    ).toEqual([0, 0, 0, 1, 2, 0]);
  });

  it('configs meeting the constraints first, then by the objective; the rest by how far they miss', () => {
    const goals = {
      objectives: [{ metric: 'errorRate', direction: 'minimize' as const }],
      constraints: [parseConstraint('p99 < 300ms')],
    };
    const config = (n: number, errorRate: number, p99Ms: number) => ({
      config: n,
      runs: [],
      means: { errorRate, p99Ms },
    });
    const ranked = rankConfigs(goals, [
      config(0, 0.01, 400), // misses by a third
      config(1, 0.05, 100),
      config(2, 0.02, 250),
      config(3, 0.001, 310), // misses by 3 %
      config(4, 0.02, 200), // ties with 2: the lower number first
    ]);
    expect(ranked.map((c) => c.config)).toEqual([2, 4, 1, 3, 0]);
  });
});
