import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CompareReport, compare, compareInParallel } from '../packages/core/src/compare/compare.js';
import { sweep } from '../packages/core/src/compare/sweep.js';

const source = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const spec = { config: source('examples/flaky-api.yaml') };
const variants = {
  lenient: source('examples/patches/lenient.yaml'),
  strict: source('examples/patches/strict.yaml'),
};
const diff = (r: CompareReport, metric: string) => r.metrics.find((m) => m.metric === metric)!;

describe('compare on examples/flaky-api.yaml: strict against lenient outlier detection, 30 seeds', () => {
  const common = compare(spec, variants, { seeds: 30 });
  const independent = compare(spec, variants, { seeds: 30, pairing: 'independent' });

  it('runs both variants on seeds 1..30, or on seed + 10000 for the second when independent', () => {
    expect(common.seeds.lenient).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(common.seeds.strict).toEqual(common.seeds.lenient);
    expect(independent.seeds.strict).toEqual(common.seeds.lenient!.map((s) => s + 10_000));
  });

  it('lenient keeps the 30 %-failing host: about a third of 30 %, i.e. 10 %, of requests fail', () => {
    // 10 consecutive 503s at p = 0.3 turn up about once in 1/(0.7 · 0.3^10) ≈ 240,000 requests to the
    // host, against ≈ 4,000 per run: lenient almost never ejects. The mean of 30 runs of ≈ 12,000
    // requests has sd ≈ √(0.1·0.9/360,000) = 0.0005; 0.005 allows for LEAST_REQUEST's uneven split.
    const errors = diff(common, 'errorRate');
    expect(Math.abs(errors.means.lenient! - 0.1)).toBeLessThan(0.005);
    expect(errors.means.strict!).toBeLessThan(0.01);
    const d = errors.differences[0]!;
    expect(d.high).toBeLessThan(0);
    expect(d.winner).toBe('strict');
  });

  it('common random numbers: the same arrivals, so the request counts are equal on every seed', () => {
    const d = diff(common, 'requests').differences[0]!;
    expect([d.meanDiff, d.sdDiff, d.halfWidth]).toEqual([0, 0, 0]);
    // Independent seeds draw other arrivals: the counts differ.
    expect(diff(independent, 'requests').differences[0]!.sdDiff).toBeGreaterThan(0);
  });

  it('common random numbers narrow the latency intervals against independent seeds', () => {
    // Both variants send most requests to the two healthy hosts, whose latency draws are shared under
    // CRN: the paired differences cancel most of the per-seed noise.
    for (const metric of ['meanMs', 'p99Ms', 'p50Ms']) {
      const crn = diff(common, metric).differences[0]!.halfWidth;
      const ind = diff(independent, metric).differences[0]!.halfWidth;
      expect(crn, metric).toBeLessThan(ind);
    }
    expect(diff(common, 'meanMs').differences[0]!.halfWidth).toBeLessThan(
      0.8 * diff(independent, 'meanMs').differences[0]!.halfWidth,
    );
  });

  it('compareInParallel on worker threads gives the same report as compare in this thread', async () => {
    const parallel = await compareInParallel(spec, variants, { seeds: 30, threads: 2 });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(common));
  });
});

describe('sweep of consecutive5xxErrors on examples/flaky-api.yaml', () => {
  const axis = {
    field: 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors',
    values: [1, 2, 3, 5, 8, 10],
  };

  it('gives the same rows on two worker threads as in one, and finds the DestinationRule by itself', async () => {
    const parallel = await sweep(spec, axis, { threads: 2, seeds: 2 });
    const serial = await sweep(spec, axis, { threads: 1, seeds: 2 });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
    expect(parallel.field).toBe(
      'DestinationRule production/flaky-api spec.trafficPolicy.outlierDetection.consecutive5xxErrors',
    );
    expect(parallel.rows.map((r) => r.value)).toEqual(axis.values);
    // At 1 the bad host is out almost at once; at 10 it is never ejected (see above).
    expect(parallel.rows[0]!.means.ejections).toBeGreaterThan(0);
    expect(parallel.rows[5]!.means.ejections).toBe(0);
    expect(parallel.rows[0]!.means.errorRate!).toBeLessThan(parallel.rows[5]!.means.errorRate!);
  });
});

describe('compare, sweep and tune plan each variant once per call', () => {
  it('a spec changed between two compares meets its new config, not a plan kept from the first', () => {
    const mine = { config: source('examples/flaky-api.yaml'), duration: '20s' };
    const options = { seeds: 2 };
    const before = compare(mine, { 'as-written': null, lenient: variants.lenient }, options);
    // The caller's own object, changed in place: twice the duration is about twice the requests.
    mine.duration = '40s';
    const after = compare(mine, { 'as-written': null, lenient: variants.lenient }, options);
    const fresh = compare(
      { config: source('examples/flaky-api.yaml'), duration: '40s' },
      { 'as-written': null, lenient: variants.lenient },
      options,
    );
    expect(after).toEqual(fresh);
    const requests = (r: CompareReport) => diff(r, 'requests').means['as-written']!;
    expect(requests(after) / requests(before)).toBeCloseTo(2, 1);
  });
});
