import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_TIMELINE_POINTS, timelineBucketFor } from '../src/config/plan/timeline-bucket.js';
import { Breaker } from '../src/envoy/circuit-breakers.js';
import { Flag } from '../src/envoy/response-flags.js';
import { Timeline } from '../src/observe/timeline.js';
import { simulate } from '../src/simulate.js';

const OUTLIER = {
  file: 'examples/outlier-detection.yaml',
  text: readFileSync('examples/outlier-detection.yaml', 'utf8'),
};

describe('Timeline: flags and pool occupancy per bucket', () => {
  it('counts flagged requests per bucket and leaves byFlag out of buckets with none', () => {
    const t = new Timeline(1000);
    t.record(100, 1, true, Flag.UO);
    t.record(200, 1, true, Flag.UO);
    t.record(300, 1, true, Flag.UF | Flag.URX);
    t.record(400, 1, false, 0);
    t.record(1500, 1, false);
    t.finish(2000);
    expect(t.points[0]?.byFlag).toEqual({ 'UF,URX': 1, UO: 2 });
    expect(t.points[1]).not.toHaveProperty('byFlag');
  });

  it('puts an occupancy sample taken at a bucket end into that bucket, even after a completion closed it', () => {
    const t = new Timeline(1000);
    t.sampleOccupancy(1000, 3, 1, 4); // end of bucket 0, still open
    t.record(1000, 1, false); // closes bucket 0
    t.record(2000, 1, false); // a completion at exactly 2000 ms closes bucket 1 before its sample
    t.sampleOccupancy(2000, 5, 0, 6);
    t.sampleOccupancy(2500, 7, 2, 8); // the run ends at 2.5 s: the partial bucket's sample
    t.finish(2500);
    expect(t.points.map((p) => [p.tMs, p.rqActive, p.rqPending, p.cxActive])).toEqual([
      [0, 3, 1, 4],
      [1000, 5, 0, 6],
      [2000, 7, 2, 8],
    ]);
  });
});

describe('timeline bucket', () => {
  it('keeps the requested bucket while it fits, else the next 1-2-5 multiple that does', () => {
    expect(timelineBucketFor(1000, 600_000)).toBe(1000);
    // A day plus the 5-minute drain at 1 s: 86,700 points; 2 s gives 43,350, 5 s gives 17,340.
    expect(timelineBucketFor(1000, 86_400_000 + 300_000)).toBe(5000);
    expect(timelineBucketFor(1000, 20_000_000)).toBe(1000);
    expect(timelineBucketFor(1000, 20_000_001)).toBe(2000);
    expect(timelineBucketFor(250, 1e10, 100)).toBe(250 * 500_000);
  });

  it('a day-long run keeps at most MAX_TIMELINE_POINTS points, with a warning naming the field', () => {
    // 0.05 rps for 24 h: about 4,320 requests, cheap to run, long enough to need wider buckets.
    const report = simulate({
      config: OUTLIER,
      duration: '24h',
      traffic: { host: 'api.external-service.com', port: 80, rps: 0.05 },
    });
    expect(report.timelineBucketMs).toBe(5000);
    expect(report.timeline.length).toBeLessThanOrEqual(MAX_TIMELINE_POINTS);
    expect(report.timeline.length).toBe(86_400_000 / 5000);
    expect(
      report.warnings.some((w) => w.includes('spec.report.timelineBucket') && w.includes('5s buckets')),
    ).toBe(true);
  });

  it('report.timelineBucket sets the bucket; every traffic bucket carries an occupancy sample', () => {
    const report = simulate({ config: OUTLIER, duration: '60s', report: { timelineBucket: '10s' } });
    expect(report.timelineBucketMs).toBe(10_000);
    const traffic = report.timeline.filter((p) => p.tMs < 60_000);
    expect(traffic.map((p) => p.tMs)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    // Requests in flight at 60 s answer during the drain, in a trailing bucket that is not sampled.
    for (const p of report.timeline.slice(traffic.length)) expect(p).not.toHaveProperty('cxActive');
    for (const p of traffic) {
      expect(p.cxActive).toBeGreaterThan(0); // 100 rps over 2 workers × 3 hosts keeps connections open
      expect(p.rqActive).toBeGreaterThanOrEqual(0);
      expect(p.rqPending).toBe(0); // maxConnections 100 is never reached
    }
    expect(report.timeline.reduce((s, p) => s + p.requests, 0)).toBe(report.client.total);
  });
});

describe('Timeline: share of each bucket a circuit breaker was open', () => {
  it('counts the union over clusters, split at bucket edges', () => {
    // rq_open: cluster A open [5, 15), cluster B open [10, 30): open in some cluster over [5, 30).
    // 10 ms buckets: [0,10) 5 ms → 0.5; [10,20) and [20,30) whole; [30,40) none.
    // rq_pending_open: [32, 33) in A → 0.1 of the last bucket.
    const t = new Timeline(10);
    t.setBreakerOpen(5, Breaker.Requests, true);
    t.setBreakerOpen(10, Breaker.Requests, true);
    t.setBreakerOpen(15, Breaker.Requests, false);
    t.setBreakerOpen(30, Breaker.Requests, false);
    t.setBreakerOpen(32, Breaker.PendingRequests, true);
    t.setBreakerOpen(33, Breaker.PendingRequests, false);
    t.finish(40);
    expect(t.points.map((p) => p.breakersOpen)).toEqual([
      { rq_open: 0.5 },
      { rq_open: 1 },
      { rq_open: 1 },
      { rq_pending_open: 0.1 },
    ]);
  });
});
