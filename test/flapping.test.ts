import { type SimulationSpec, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { between } from './fixtures/between.js';
import { hostsYaml } from './fixtures/hosts.js';

describe('a flapping endpoint', () => {
  type Flap = NonNullable<NonNullable<SimulationSpec['endpoints']>[string]['flap']>;
  const run = (flap: Flap, timeline: SimulationSpec['timeline'] = []) =>
    simulate({
      config: hostsYaml(1, ''),
      seed: 81,
      duration: '40s',
      network: { rtt: '1ms' },
      traffic: { host: 'api.example.com', rps: 50 },
      endpoints: { '*': { latency: { constant: '5ms' }, flap } },
      timeline,
    });

  it('refuses connections in the down part of each period and serves in the up part', () => {
    // Period 10 s, up 60 %: up in [0, 6) s, down in [6, 10) s, and so on. One host: nowhere to retry.
    const r = run({ period: '10s', duty: 0.6 });
    for (let k = 0; k < 4; k++) {
      const up = between(r, k * 10_000 + 1_000, k * 10_000 + 6_000);
      const down = between(r, k * 10_000 + 7_000, k * 10_000 + 10_000);
      expect(up.requests).toBeGreaterThan(0);
      expect(up.errors).toBe(0);
      expect(down.requests).toBeGreaterThan(0);
      expect(down.errors).toBe(down.requests);
    }
    expect(r.client.byFlag['UF,URX']).toBeGreaterThan(0);
  });

  it('offset shifts the cycle, and `down` can be any endpoint patch', () => {
    // 3 s into a 10 s cycle that is up for 5 s: down from 2 s to 7 s, up from 7 s to 12 s.
    const r = run({ period: '10s', duty: 0.5, offset: '3s', down: { errors: [{ status: 500, rate: 1 }] } });
    expect(between(r, 0, 2_000).errors).toBe(0);
    const down = between(r, 2_500, 7_000);
    expect(down.errors).toBe(down.requests);
    expect(r.client.byStatus['500']).toBeGreaterThan(0);
    expect(between(r, 7_500, 12_000).errors).toBe(0);
  });

  it('a timeline change to a flapping endpoint holds through the cycle', () => {
    // From 20 s the endpoint answers 503 when up; the flap keeps refusing when down. Were the change
    // lost when the cycle comes back up at 30 s, [31, 35) s would be error-free.
    const r = run({ period: '10s', duty: 0.5 }, [
      { at: '20s', endpoint: '10.0.0.1', set: { errors: [{ status: 503, rate: 1 }] } },
    ]);
    expect(between(r, 11_000, 15_000).errors).toBe(0);
    for (const [from, to] of [
      [21_000, 25_000],
      [26_000, 30_000],
      [31_000, 35_000],
    ] as const) {
      const w = between(r, from, to);
      expect(w.requests).toBeGreaterThan(0);
      expect(w.errors).toBe(w.requests);
    }
  });
});
