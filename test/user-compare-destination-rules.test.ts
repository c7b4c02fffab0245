// Runs benchmarks/compare-destination-rules.bench.ts small, so CI exercises the benchmark a user
// would run, and checks the comparison it prints says what the mechanism says.
import { describe, expect, it } from 'vitest';
import { compareDestinationRules } from '../benchmarks/compare-destination-rules.bench.js';

describe('comparing two DestinationRules with tinybench', () => {
  it('times both and shows the retry cap costing errors', async () => {
    const rows = await compareDestinationRules({ duration: '5m', iterations: 2 });
    expect(rows.map((r) => r.rule)).toEqual(['retry-cap-3', 'no-retry-cap']);
    const [capped, uncapped] = rows;
    for (const row of rows) expect(row.meanWallMs).toBeGreaterThan(0);
    // The same seed: both rules meet the same arrivals.
    expect(capped!.requests).toBe(uncapped!.requests);
    // An attempt fails with f ≈ 0.208 (20 % 503, plus the 1 % past the 10 s per-try timeout).
    // Uncapped, a request fails only if all four attempts do: f^4 ≈ 0.19 %.
    const f4 = 0.208 ** 4;
    const n = uncapped!.requests;
    expect(uncapped!.retryOverflow).toBe(0);
    expect(uncapped!.errorRate).toBeLessThanOrEqual(f4 + 3.29 * Math.sqrt(f4 / n));
    // Capped at 3 retries in flight (an Erlang loss system near 2.9 Erlangs offered, catalog 11),
    // about a third of first retries are refused: ~7 %, an order of magnitude more.
    expect(capped!.retryOverflow).toBeGreaterThan(0);
    expect(capped!.errorRate).toBeGreaterThan(10 * (f4 + 3.29 * Math.sqrt(f4 / n)));
  });
});
