import { type Report, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { hostsYaml } from './fixtures/hosts.js';

/** Two-sided 99.9 % normal quantile: a Poisson count N with mean m is within m ± Z·√m. */
const Z_999 = 3.2905267314919255;

// One endpoint answering in 1 ms over a 1 ms network: a request completes a few ms after it arrives,
// so a window counted by completion moves its edges by that much (under one arrival at these
// rates, inside every tolerance below); constant-arrival counts are read where no arrival is near.
const run = (spec: Omit<Parameters<typeof simulate>[0], 'config'>): Report =>
  simulate({
    config: hostsYaml(1),
    endpoints: { '*': { latency: { constant: '1ms' } } },
    ...spec,
  });

/** Requests completed in [fromMs, toMs) by the report's 1 s timeline buckets. */
const countIn = (r: Report, fromMs: number, toMs: number) =>
  r.timeline.filter((t) => t.tMs >= fromMs && t.tMs < toMs).reduce((s, t) => s + t.requests, 0);

function expectPoisson(count: number, mean: number): void {
  expect(Math.abs(count - mean)).toBeLessThanOrEqual(Z_999 * Math.sqrt(mean));
}

describe('traffic rate shapes, end to end', () => {
  it('bursts every 10 s for 2 s at 500 rps over 50 rps: 8 400 requests in 60 s, 6 000 of them in the bursts', () => {
    const r = run({
      seed: 101,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 50, bursts: { every: '10s', length: '2s', rps: 500 } },
    });
    // 60 × 50 + 6 × 2 × (500 − 50) = 8 400; in the bursts 6 × 2 × 500 = 6 000.
    expectPoisson(r.client.total, 8_400);
    let inBursts = 0;
    for (let k = 0; k < 6; k++) inBursts += countIn(r, k * 10_000, k * 10_000 + 2_000);
    expectPoisson(inBursts, 6_000);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('a timeline entry starts a ramp at 30 s: 20 → 200 rps over 20 s, then 200', () => {
    const r = run({
      seed: 102,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 20 },
      timeline: [{ at: '30s', traffic: 0, set: { ramp: { to: 200, over: '20s' } }, phase: 'ramp' }],
    });
    // [0, 30) s: 20 × 30 = 600; the ramp's 10 s halves: 20 → 110 rps, (20 + 110)/2 × 10 = 650, and
    // 110 → 200 rps, (110 + 200)/2 × 10 = 1 550; [50, 60) s at 200 rps: 2 000.
    expectPoisson(countIn(r, 0, 30_000), 600);
    expectPoisson(countIn(r, 30_000, 40_000), 650);
    expectPoisson(countIn(r, 40_000, 50_000), 1_550);
    expectPoisson(countIn(r, 50_000, 60_000), 2_000);
  });

  it('constant arrivals follow a timeline ramp exactly: one per unit of its integral after the entry', () => {
    const r = run({
      seed: 103,
      duration: '20160ms',
      traffic: { host: 'api.example.com', rps: 10, arrivals: 'constant' },
      timeline: [{ at: '10050ms', traffic: 0, set: { rps: 30, ramp: { to: 50, over: '10s' } } }],
    });
    // Before the entry one every 100 ms: 100 (0.1 s … 10 s). From it, λ = 30 + 2t rps and
    // Λ = 30 t + t² (t in s since the entry): Λ(10 s) = 400, then 50 rps for the last 0.11 s: 5.5
    // more, 405.5 in all, so 405 arrivals after the entry.
    expect(r.client.total).toBe(100 + 405);
  });

  it('diurnal over an hour: each quarter gets 9 000 ± 9 000/π requests', () => {
    const r = run({
      seed: 104,
      duration: '1h',
      traffic: { host: 'api.example.com', rps: 10, diurnal: { period: '1h', amplitude: 0.5 } },
    });
    // 10 rps × 900 s ± 10 × 0.5 × 3 600/(2π) × (sin at the quarter's end − at its start), ±1 each.
    const swing = 9_000 / Math.PI;
    [9_000 + swing, 9_000 - swing, 9_000 - swing, 9_000 + swing].forEach((mean, q) => {
      expectPoisson(countIn(r, q * 900_000, (q + 1) * 900_000), mean);
    });
  });

  it('a timeline entry can start bursts and switch to constant arrivals; the rate goes on', () => {
    const r = run({
      seed: 105,
      duration: '30s',
      traffic: { host: 'api.example.com', rps: 10 },
      timeline: [
        { at: '10s', traffic: 0, set: { bursts: { every: '5s', length: '1s', rps: 100 } } },
        { at: '20s', traffic: 0, set: { arrivals: 'constant' } },
      ],
    });
    // [0, 10): 100; [10, 20): bursts at 10 and 15 s, 2 × 100 + 8 × 10 = 280.
    expectPoisson(countIn(r, 0, 10_000), 100);
    expectPoisson(countIn(r, 10_000, 20_000), 280);
    // From 20 s evenly spaced in Λ: bursts [20, 21) and [25, 26) at 100 rps, 10 rps between: 280 by
    // 30 s, the 280th on 30 s itself (outside the run).
    expect([279, 280]).toContain(countIn(r, 20_000, 31_000));
  });
});
