import { type SimulationSpec, simulate } from '@meshsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

/** The most hosts the current rule lets be ejected at once: the largest k with 100·k/n ≤ max. */
const capOf = (hosts: number, maxPct: number) => Math.floor((maxPct * hosts) / 100);

describe('outlier detection invariants over random clusters, failure patterns and timings', () => {
  it('never exceeds the cap, never ejects a host twice at once, and every ejection lasts its computed time', () => {
    fc.assert(
      fc.property(
        fc.record({
          hosts: fc.integer({ min: 1, max: 8 }),
          maxPct: fc.integer({ min: 1, max: 100 }),
          consecutive: fc.integer({ min: 1, max: 6 }),
          intervalS: fc.integer({ min: 1, max: 15 }),
          baseS: fc.integer({ min: 1, max: 40 }),
          failureRates: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
          seed: fc.nat(1000),
        }),
        (c) => {
          const endpoints: NonNullable<SimulationSpec['endpoints']> = {};
          for (let i = 0; i < c.hosts; i++) {
            endpoints[`10.0.0.${i + 1}`] = {
              latency: { constant: '2ms' },
              errors: [{ status: 503, rate: c.failureRates[i]! }],
            };
          }
          const r = simulate({
            config: hostsYaml(
              c.hosts,
              `outlierDetection: { consecutive5xxErrors: ${c.consecutive}, interval: ${c.intervalS}s, baseEjectionTime: ${c.baseS}s, maxEjectionPercent: ${c.maxPct} }`,
            ),
            seed: c.seed,
            duration: '120s',
            traffic: { host: 'api.example.com', rps: 40 },
            endpoints,
          });
          const cluster = r.clusters[CLUSTER]!;
          const cap = capOf(c.hosts, c.maxPct);
          // At every moment: walk the ejection intervals in time order.
          const edges = cluster.ejections.flatMap((e) => [
            { t: e.atMs, d: 1 },
            { t: e.untilMs ?? Number.POSITIVE_INFINITY, d: -1 },
          ]);
          edges.sort((a, b) => a.t - b.t || a.d - b.d);
          let active = 0;
          for (const e of edges) {
            active += e.d;
            expect(active).toBeLessThanOrEqual(cap);
          }
          expect(Math.max(0, ...r.timeline.map((t) => t.ejectedHosts))).toBeLessThanOrEqual(cap);
          // Per host: intervals never overlap, and each lasts between its time and that plus one sweep.
          const byHost = new Map<string, typeof cluster.ejections>();
          for (const e of cluster.ejections) byHost.set(e.host, [...(byHost.get(e.host) ?? []), e]);
          for (const list of byHost.values()) {
            for (let i = 1; i < list.length; i++)
              expect(list[i]!.atMs).toBeGreaterThanOrEqual(list[i - 1]!.untilMs!);
            for (const e of list) {
              if (e.untilMs === null) continue;
              const lasted = e.untilMs - e.atMs;
              // The back-off multiplier is at least 1 and at most what the host's history allows.
              expect(lasted).toBeGreaterThanOrEqual(c.baseS * 1000);
              expect(lasted).toBeLessThan(Math.max(300_000, c.baseS * 1000) + c.intervalS * 1000);
            }
          }
          expect(cluster.stats['outlier_detection.ejections_enforced_total']).toBe(cluster.ejections.length);
        },
      ),
      { numRuns: 200, seed: 20261125 },
    );
  });
});
